"""CSV exports open as columns in Excel with a Flemish or Dutch locale: `;`, UTF-8 with a BOM."""

from __future__ import annotations

import csv
import io

from bot.polls.export import to_csv

HEADER = ["Vraag", "Antwoord", "Aantal", "Procent"]
ROWS: list[list[str | int]] = [
    ["Wat maakt het moeilijk?", "De taal", 7, 70],
    ["Wat maakt het moeilijk?", "Mijn werkuren; ook in het weekend", 3, 30],
    ["Iets anders", 'Ik zei "ja",\nmaar bedoelde nee', 1, 10],
    ["لماذا؟", "اللغة", 2, 20],
    ["Formule?", "=HYPERLINK(1)", 0, 0],
]


def test_the_csv_starts_with_a_bom_and_uses_semicolons() -> None:
    """Excel (nl-BE) reads the BOM as UTF-8 and splits on ';': every row has its four columns."""
    data = to_csv(HEADER, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert text.splitlines()[0] == "Vraag;Antwoord;Aantal;Procent"
    assert text.endswith("\r\n") and "Wat maakt het moeilijk?;De taal;7;70\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == HEADER and all(len(row) == 4 for row in rows)
    assert rows[2][1] == "Mijn werkuren; ook in het weekend"  # quoted, not split
    assert rows[3][1] == 'Ik zei "ja",\nmaar bedoelde nee'
    assert rows[4][:2] == ["لماذا؟", "اللغة"]
    assert rows[5][1] == "'=HYPERLINK(1)"  # never a formula


def test_a_comma_splits_nothing() -> None:
    """Read with commas (what the old files used) a row stays one column: the separator changed."""
    text = to_csv(HEADER, ROWS[:1]).decode("utf-8-sig")
    assert [len(r) for r in csv.reader(io.StringIO(text, newline=""))] == [1, 1]
