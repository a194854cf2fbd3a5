"""Poll results on a real database: thresholds, merged small classes, chart, CSV/XLSX, CLI export."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import cli
from bot.core.clock import ManualClock
from bot.core.db import create_engine, session_factory
from bot.models import School, SchoolClass
from bot.polls import service as svc
from bot.polls.chart import render_chart
from bot.polls.export import tables, to_csv, to_xlsx
from bot.polls.results import _class_groups, tally
from tests.conftest import START
from tests.helpers.polls import CATALOGS, FLOWS, make_poll, publish, respond

SECRET = b"s" * 32


def test_small_classes_are_merged_so_none_can_be_subtracted() -> None:
    """A class under the threshold joins the others; if that is still too small, a shown one joins it."""
    ids = lambda n: {f"{n}-{i}" for i in range(n)}  # noqa: E731
    names = {1: "1A", 2: "2A", 3: "3A"}
    assert _class_groups({1: ids(6), 2: ids(7), 3: {"x", "y"}}, names, 5) == [
        ("2A", ids(7)),
        ("", ids(6) | {"x", "y"}),
    ]
    assert [n for n, _ in _class_groups({1: ids(6), 2: ids(7), 3: ids(5)}, names, 5)] == [
        "1A",
        "2A",
        "3A",
    ]
    assert _class_groups({1: ids(9), None: {"a"}}, names, 5) == []  # 1A + 1 would reveal the one
    assert _class_groups({1: ids(4), 2: ids(3)}, names, 5) == []


async def test_thresholds_chart_and_exports(sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        school = School(name="De Buurt", created_at=START)
        session.add(school)
        await session.commit()
        classes = [
            SchoolClass(school_id=school.id, name=n, join_code=f"c{n}", created_at=START)
            for n in ("1A", "3B")
        ]
        session.add_all(classes)
        await session.commit()
        poll = await make_poll(session, school.id or 0, [c.id or 0 for c in classes])
        flow = FLOWS["barriers"]
        for _ in range(4):
            await respond(
                session,
                poll,
                classes[0].id,
                {"hard": svc.Given(("language",)), "often": svc.Given(("often",))},
            )
        hidden = await tally(session, poll=poll, flow=flow)
        assert hidden.hidden and hidden.groups == []
        data = tables(hidden, CATALOGS, "nl")
        assert data.totals[0][0] == CATALOGS.t("nl", "poll.too_few", min=5)
        for _ in range(3):
            await respond(
                session,
                poll,
                classes[0].id,
                {"hard": svc.Given(("hours", "transport")), "often": None},
            )
        for n in range(5):
            text = '=HYPERLINK("http://x")' if n == 0 else f"Meer uitleg in het Turks {n}"
            await respond(
                session, poll, classes[1].id,
                {"hard": svc.Given(("language",), text=text, language="tr", text_nl=f"NL {n}"), "help": svc.Given(("time",))},
            )  # fmt: skip
        results = await tally(session, poll=poll, flow=flow)
        assert results.respondents == 10  # published in batches of 5 while the poll is open
        await publish(session, poll)
        results = await tally(session, poll=poll, flow=flow)
    assert results.respondents == 12 and not results.hidden
    whole, *per_class = results.groups
    hard = whole.questions[0]
    assert hard.answered == 12 and hard.counts["language"] == 9 and hard.percent("language") == 75
    assert hard.counts[""] == 5  # "something else" texts
    assert [(g.name, g.respondents) for g in per_class] == [("1A", 7), ("3B", 5)]
    assert not results.texts_hidden and len(results.texts) == 5  # 12 respondents >= 10

    started = time.perf_counter()
    png = render_chart(
        results, lang="nl", title="🚧 Barrières", subtitle="12 van 20", other_label="✏️ Iets anders"
    )
    assert time.perf_counter() - started < 1.0
    assert png.startswith(b"\x89PNG")
    if os.environ.get("OUDERBRUG_KEEP_CHART"):
        Path(os.environ["OUDERBRUG_KEEP_CHART"]).write_bytes(png)

    data = tables(results, CATALOGS, "nl")
    book = load_workbook(io.BytesIO(to_xlsx(data)))
    assert book.sheetnames == ["Totalen", "Eigen antwoorden"]
    totals = [[c.value for c in row] for row in book["Totalen"].iter_rows()]
    assert totals[0] == ["Groep", "Vraag", "Antwoord", "Aantal", "Procent"]
    assert ["Hele school", flow.questions[0].text["nl"], "🗣️ De taal", 9, 75] in totals
    assert ["3B", flow.questions[0].text["nl"], "🗣️ De taal", 5, 100] in totals
    texts = [[c.value for c in row] for row in book["Eigen antwoorden"].iter_rows()]
    assert texts[0] == ["Vraag", "Taal", "Origineel", "Nederlands"]
    assert [flow.questions[0].text["nl"], "Turks", "Meer uitleg in het Turks 1", "NL 1"] in texts
    assert any(row[2] == '\'=HYPERLINK("http://x")' for row in texts)  # never a formula
    rows = list(
        csv.reader(
            io.StringIO(to_csv(data.texts_header, data.texts).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == texts[0] and len(rows) == 6


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI in a fresh folder with its own SQLite database."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith(("TELEGRAM_", "OUDERBRUG_", "DATABASE_URL")):
            monkeypatch.delenv(key)
    return tmp_path


def test_cli_exports_a_poll(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ouderbrug export poll ID --format csv|xlsx --out FILE` writes the same tables as /export."""
    import asyncio

    from bot.core.migrate import upgrade

    url = f"sqlite+aiosqlite:///{cli_env / 'data' / 'ouderbrug.db'}"
    (cli_env / "data").mkdir()
    upgrade(url)

    async def fill() -> int:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                school = School(name="De Buurt", created_at=ManualClock(START).now())
                session.add(school)
                await session.commit()
                poll = await make_poll(session, school.id or 0, [])
                for _ in range(5):
                    await respond(session, poll, None, {"often": svc.Given(("never",))})
                return poll.id or 0  # five finished: published as one batch
        finally:
            await engine.dispose()

    poll_id = asyncio.run(fill())
    assert (
        cli.main(["export", "poll", str(poll_id), "--format", "csv", "--out", "out/poll.csv"]) == 0
    )
    totals = (cli_env / "out" / "poll.csv").read_text("utf-8-sig")
    assert "Hele school" in totals and "🔴 Nooit;5;100" in totals
    assert (cli_env / "out" / "poll-texts.csv").exists()
    assert (
        cli.main(["export", "poll", str(poll_id), "--format", "xlsx", "--out", "out/poll.xlsx"])
        == 0
    )
    assert load_workbook(cli_env / "out" / "poll.xlsx").sheetnames == [
        "Totalen",
        "Eigen antwoorden",
    ]
    assert cli.main(["export", "poll", "999", "--out", "x.xlsx"]) == 1
    assert "No poll with id 999" in capsys.readouterr().out
