"""Story helpers for privacy: what the database still holds about someone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlmodel import SQLModel

from bot.demo.school import School


async def rows_mentioning(school: School, member_id: int | None, telegram_id: int) -> list[str]:
    """Every (table, column) whose value equals the member id in a member-ish column or the Telegram id."""
    found: list[str] = []
    async with school.app.bot_data.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                name = column.name
                refs = ("member_id", "used_by", "created_by", "author_id", "decided_by",
                        "reviewed_by", "added_by")  # fmt: skip
                member_ref = name in refs or (table.name == "member" and name == "id")
                values = [telegram_id] + ([member_id] if member_ref else [])
                kind = str(column.type).upper()
                for value in values:
                    if kind == "BIGINT" or (kind.startswith("INT") and abs(value) < 2**31):
                        q = text(f'SELECT COUNT(*) FROM "{table.name}" WHERE "{name}" = :v')
                        if (await conn.execute(q, {"v": value})).scalar():
                            found.append(f"{table.name}.{name}")
    return found


Row = tuple[tuple[str, object], ...]
Dump = dict[str, set[Row]]


async def dump(school: School) -> Dump:
    """Every row of every table, all columns (the value of each column, by name)."""
    tables: Dump = {}
    async with school.app.bot_data.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            result = await conn.execute(table.select())
            tables[table.name] = {tuple(row._mapping.items()) for row in result}
    return tables


def diff(before: Dump, after: Dump) -> tuple[dict[str, set[Row]], dict[str, set[Row]]]:
    """Per table: the rows that went, and the rows that came (a changed row is in both)."""
    gone = {t: before[t] - after.get(t, set()) for t in before}
    came = {t: after[t] - before.get(t, set()) for t in after}
    return {t: r for t, r in gone.items() if r}, {t: r for t, r in came.items() if r}


def mentions(tables: Dump, words: list[str], numbers: list[int]) -> list[str]:
    """Every `table.column` whose text holds one of the words or whose number is one of these."""
    found = []
    for table, rows in tables.items():
        for row in rows:
            for column, value in row:
                if isinstance(value, str) and any(w in value for w in words):
                    found.append(f"{table}.{column}={value!r}")
                elif isinstance(value, int) and not isinstance(value, bool) and value in numbers:
                    found.append(f"{table}.{column}={value}")
    return found


def raw_bytes(db_url: str) -> dict[str, bytes]:
    """The SQLite database file and its WAL, as they are on disk now (read while the bot runs)."""
    path = Path(db_url.split(":///", 1)[1])
    files = {"db": path, "wal": path.with_name(path.name + "-wal")}
    return {name: f.read_bytes() if f.exists() else b"" for name, f in files.items()}


def in_files(files: dict[str, bytes], needles: dict[str, bytes]) -> list[str]:
    """Which needles (by label) are in which file."""
    return [
        f"{label} in {name}"
        for name, data in files.items()
        for label, n in needles.items()
        if n in data
    ]


def needles(words: list[str], telegram_id: int) -> dict[str, bytes]:
    """The words in UTF-8, the Telegram id as text and as SQLite stores the integer (big-endian)."""
    found = {w: w.encode() for w in words}
    found[f"id {telegram_id}"] = str(telegram_id).encode()
    found[f"id {telegram_id} as bytes"] = telegram_id.to_bytes(6, "big")
    return found
