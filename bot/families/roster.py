"""Reading the administration's pupil list: CSV (`;` or `,`, UTF-8 with or without BOM, or
Windows-1252) or XLSX, columns found by their header in Dutch, French or English.

Only the minimum is kept from each row: first name, last-name initial, class, family key, home
languages and the pupil number. Every other column (birth date, address, phone, ...) is read
past and never stored: `Parsed.ignored` names them for the coordinator's report.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from babel import Locale

from bot.core.errors import KeyedError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
HEADER_SEARCH = 10  # a title line or two above the header is fine
MAX_FIRST_NAME = 64
MAX_CLASS = 60
MAX_KEY = 64

# Normalised header (lower case, no accents, letters and digits only) -> field.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("voornaam", "roepnaam", "prenom", "firstname", "givenname", "forename"),
    "last_name": (
        "naam",
        "achternaam",
        "familienaam",
        "nom",
        "nomdefamille",
        "lastname",
        "surname",
        "familyname",
    ),
    "class_name": ("klas", "klasgroep", "groep", "classe", "class", "group"),
    "languages": (
        "thuistaal",
        "thuistalen",
        "taal",
        "talen",
        "moedertaal",
        "langue",
        "langues",
        "languematernelle",
        "languefamiliale",
        "homelanguage",
        "homelanguages",
        "language",
        "languages",
    ),
    "family_key": (
        "gezin",
        "gezinsnummer",
        "gezinscode",
        "famille",
        "numerofamille",
        "numerodefamille",
        "family",
        "familykey",
        "familyid",
        "familynumber",
    ),
    "external_id": (
        "leerlingnummer",
        "leerlingnr",
        "stamboeknummer",
        "numero",
        "numeroeleve",
        "numerodeleve",
        "matricule",
        "pupilid",
        "pupilnumber",
        "studentid",
        "studentnumber",
    ),
}
HEADER_FIELDS = {word: name for name, words in SYNONYMS.items() for word in words}
LANGUAGE_SPLIT = re.compile(r"\s*(?:[,/;+&]|\s(?:en|et|and)\s)\s*", re.IGNORECASE)


class RosterFileError(KeyedError):
    """The file cannot be read as a pupil list; `key` names the message, `values` fill it."""


@dataclass(frozen=True)
class RosterRow:
    """One pupil as read from the file (`line` is the file's row number, header = 1)."""

    line: int
    first_name: str
    last_initial: str
    class_name: str
    family_key: str
    languages: tuple[str, ...]
    external_id: str

    @property
    def label(self) -> str:
        """'Adam B. (1A)'."""
        return f"{self.first_name} {self.last_initial}".strip() + f" ({self.class_name})"


@dataclass(frozen=True)
class Problem:
    """A refused row or a warning: the row number, a catalog key and its values."""

    line: int
    key: str
    label: str = ""
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Parsed:
    """What a file holds: pupils to import, refused rows, warnings, columns left out."""

    rows: list[RosterRow] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # headers of columns never stored
    columns: set[str] = field(default_factory=set)  # the fields the file has


def normalise(text: str) -> str:
    """Lower case, accents off, only letters and digits: 'Prénom ' -> 'prenom'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


@cache
def _language_names() -> dict[str, str]:
    """Language names in Dutch, French and English (Babel), normalised -> ISO 639-1 code."""
    names: dict[str, str] = {}
    for reader in ("en", "fr", "nl"):
        for code, name in Locale(reader).languages.items():
            if len(code) == 2:
                names.setdefault(normalise(name), code)
                names.setdefault(code, code)
    return names


def language_code(value: str) -> str | None:
    """'AR', 'Arabisch', 'arabe', 'Arabic' -> 'ar'; None when unknown ('Berbers')."""
    return _language_names().get(normalise(value))


def read_table(data: bytes, file_name: str) -> list[list[str]]:
    """The file's rows as text cells. Raises RosterFileError for a file of another kind."""
    if len(data) > MAX_BYTES:
        raise RosterFileError("roster.too_big", max="2 MB")
    name = file_name.lower()
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith((".xls", ".ods", ".pdf", ".docx")):
        raise RosterFileError("roster.bad_type")
    return _read_csv(_decode(data))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if b"\x00" in data[:1024]:
        raise RosterFileError("roster.bad_type")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _read_csv(text: str) -> list[list[str]]:
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        dialect = csv.excel
        if first.count(";") > first.count(","):
            dialect = _Semicolon
    return [row for row in csv.reader(io.StringIO(text, newline=""), dialect)]


class _Semicolon(csv.excel):
    delimiter = ";"


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only when an XLSX comes

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # a damaged or disguised file: openpyxl raises many kinds
        raise RosterFileError("roster.bad_type") from err
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > MAX_ROWS + HEADER_SEARCH:
                break
        return rows
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a pupil number typed as a number
    return str(value)


def parse(table: list[list[str]]) -> Parsed:
    """Pupils from a table: header row found and mapped, rows checked one by one."""
    found = _header(table)
    if found is None:
        raise RosterFileError("roster.no_header")
    at, columns = found
    body = table[at + 1 :]
    if len([row for row in body if any(cell.strip() for cell in row)]) > MAX_ROWS:
        raise RosterFileError("roster.too_many_rows", max=str(MAX_ROWS))
    parsed = Parsed(columns=set(columns.values()))
    parsed.ignored = [h.strip() for i, h in enumerate(table[at]) if h.strip() and i not in columns]
    seen: dict[tuple[str, ...], int] = {}
    for offset, row in enumerate(body):
        line = at + offset + 2
        if any(cell.strip() for cell in row):
            _row(parsed, line, {name: _at(row, i) for i, name in columns.items()}, seen)
    return parsed


def _header(table: list[list[str]]) -> tuple[int, dict[int, str]] | None:
    """The header row (within the first lines) and its columns: index -> field."""
    for at, row in enumerate(table[:HEADER_SEARCH]):
        columns: dict[int, str] = {}
        for i, cell in enumerate(row):
            name = HEADER_FIELDS.get(normalise(cell))
            if name is not None and name not in columns.values():
                columns[i] = name
        if {"first_name", "class_name"} <= set(columns.values()):
            return at, columns
    return None


def _at(row: list[str], i: int) -> str:
    return " ".join(row[i].split()) if i < len(row) else ""


def _row(
    parsed: Parsed, line: int, cells: dict[str, str], seen: dict[tuple[str, ...], int]
) -> None:
    first = cells.get("first_name", "")[:MAX_FIRST_NAME]
    last = cells.get("last_name", "")
    initial = next((ch.upper() + "." for ch in last if ch.isalpha()), "")  # 'B.'
    class_name = cells.get("class_name", "")[:MAX_CLASS]
    label = f"{first} {initial}".strip() + (f" ({class_name})" if class_name else "")
    if not first:
        parsed.refused.append(Problem(line, "roster.reason_no_first_name", label))
        return
    if not class_name:
        parsed.refused.append(Problem(line, "roster.reason_no_class", label))
        return
    external = cells.get("external_id", "")[:MAX_KEY]
    key = cells.get("family_key", "")[:MAX_KEY]
    identity = (
        ("id", external) if external else ("name", first.lower(), initial, class_name.lower())
    )
    if identity in seen:
        values = {"other": str(seen[identity])}
        parsed.refused.append(Problem(line, "roster.reason_twice", label, values))
        return
    seen[identity] = line
    codes: list[str] = []
    for value in _split_languages(cells.get("languages", "")):
        code = language_code(value)
        if code is None:
            parsed.warnings.append(
                Problem(line, "roster.warning_language", label, {"language": value})
            )
        elif code not in codes:
            codes.append(code)
    parsed.rows.append(RosterRow(line, first, initial, class_name, key, tuple(codes), external))


def _split_languages(text: str) -> Iterator[str]:
    return (part for part in LANGUAGE_SPLIT.split(text) if part.strip())


def languages_text(codes: Iterable[str]) -> str:
    """Codes as stored on a pupil: 'ar,fr'."""
    return ",".join(codes)
