"""`ouderbrug backup FILE` and `ouderbrug restore FILE`: every table, portable between databases.

The file is JSON lines (gzip-compressed when its name ends in `.gz`): a header with the schema
revision, then for each table a line naming its columns followed by one line per row. A backup
of SQLite restores into PostgreSQL and back. Restoring needs an empty database: it is migrated to
the backup's schema, filled, then migrated to the newest schema. The poll secret
(`secret.key` in the secrets folder, README) is not in the database and must be backed up separately.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Integer, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from bot.core.db import create_engine
from bot.core.migrate import upgrade_async

FORMAT = "ouderbrug-backup"
VERSION = 1
BATCH = 500


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why in one sentence."""


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$b64" in value:
            return base64.b64decode(value["$b64"])
    return value


def _open(path: Path, mode: str, *, named: Path | None = None) -> IO[str]:
    if (named or path).suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return path.open(mode, encoding="utf-8")


def _revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


async def backup(url: str, path: Path) -> dict[str, int]:
    """Write every table to `path` (atomically); rows per table."""
    engine = create_engine(url)
    counts: dict[str, int] = {}
    partial = path.with_name(path.name + ".partial")
    try:
        async with engine.connect() as conn:
            if url.startswith("postgresql"):  # one consistent snapshot of all tables
                await conn.execution_options(isolation_level="REPEATABLE READ")
            revision = await conn.run_sync(_revision)
            # Readable by its owner only (0600), like the database it copies.
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            partial.chmod(0o600)
            with _open(partial, "w", named=path) as out:
                head = {"format": FORMAT, "version": VERSION, "revision": revision}
                out.write(json.dumps(head) + "\n")
                for table in SQLModel.metadata.sorted_tables:
                    columns = [c.name for c in table.columns]
                    out.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
                    ordered = select(table).order_by(*table.primary_key.columns)
                    result = await conn.stream(ordered)
                    counts[table.name] = 0
                    async for row in result:
                        out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                        counts[table.name] += 1
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
        await engine.dispose()
    return counts


def _read(path: Path) -> tuple[dict[str, Any], Iterator[tuple[str, list[str], list[Any]]]]:
    """The header, and (table, columns, row) for every row."""
    try:
        stream = _open(path, "r")
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    try:
        head = json.loads(stream.readline() or "{}")
    except (json.JSONDecodeError, UnicodeDecodeError, OSError):
        head = {}
    if head.get("format") != FORMAT or head.get("version") != VERSION:
        stream.close()
        raise BackupError(f"{path} is not an Ouderbrug backup (format {VERSION}).")

    def rows() -> Iterator[tuple[str, list[str], list[Any]]]:
        with stream:
            table, columns = "", []
            for line in stream:
                item = json.loads(line)
                if isinstance(item, dict):
                    table, columns = item["table"], item["columns"]
                else:
                    yield table, columns, [_decode(v) for v in item]

    return head, rows()


async def restore(url: str, path: Path) -> dict[str, int]:
    """Fill an empty database from a backup file; rows per table."""
    head, rows = _read(path)
    try:
        await upgrade_async(url, head.get("revision") or "head")
    except Exception as err:
        raise BackupError(
            f"The database cannot take this backup's schema ({head.get('revision')}): {err}"
        ) from err
    engine = create_engine(url)
    try:
        await _check_empty(engine)
        counts = await _load(engine, rows)
    finally:
        await engine.dispose()
    await upgrade_async(url)
    return counts


async def _check_empty(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if (await conn.execute(select(func.count()).select_from(table))).scalar_one():
                raise BackupError(
                    f"The database is not empty (table {table.name}); restore into a new one."
                )


async def _load(
    engine: AsyncEngine, rows: Iterator[tuple[str, list[str], list[Any]]]
) -> dict[str, int]:
    tables = SQLModel.metadata.tables
    counts: dict[str, int] = {}
    async with engine.begin() as conn:
        batch: list[dict[str, Any]] = []
        current = ""
        for name, columns, row in rows:
            if name != current and batch:
                await conn.execute(insert(tables[current]), batch)
                batch = []
            current = name
            if name not in tables:
                raise BackupError(f"The backup has a table this version does not know: {name}.")
            known = tables[name].columns
            batch.append({c: v for c, v in zip(columns, row, strict=True) if c in known})
            counts[name] = counts.get(name, 0) + 1
            if len(batch) >= BATCH:
                await conn.execute(insert(tables[name]), batch)
                batch = []
        if batch:
            await conn.execute(insert(tables[current]), batch)
        if engine.dialect.name == "postgresql":  # new rows continue after the restored ids
            for table in SQLModel.metadata.sorted_tables:
                if "id" in table.columns and isinstance(table.columns["id"].type, Integer):
                    await conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    return counts
