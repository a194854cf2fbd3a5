"""Tiny SQLite transactions run on the event loop itself, for the hottest writes (poll presses).

Through aiosqlite every statement, commit and cursor is a hop to a worker thread and back (about
ten per poll press); under load those hops, and the fight for the GIL they cause, cost more than
the work. A press's write takes well under a millisecond in SQLite (WAL, synchronous=NORMAL), so
it runs here, directly, on a connection of its own:
- it never waits for a lock: `busy_timeout` is 0 and the transaction starts with BEGIN IMMEDIATE;
  if another connection is writing, `run` returns BUSY and the caller takes the ordinary
  (aiosqlite) path instead, so the event loop is never blocked behind another writer;
- it never checkpoints the WAL (`wal_autocheckpoint=0`): the pool's connections do that;
- PostgreSQL and in-memory databases have none (`for_engine` returns None).
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import ClauseElement

T = TypeVar("T")
BUSY: Any = object()  # `run` could not start a write transaction at once
_DIALECT = sqlite.dialect(paramstyle="named")
_OPEN: weakref.WeakKeyDictionary[Any, InlineSQLite] = weakref.WeakKeyDictionary()


def sql(statement: ClauseElement) -> str:
    """A SQLAlchemy statement as SQLite text with :named parameters (compile once, at import)."""
    return str(statement.compile(dialect=_DIALECT))


class InlineSQLite:
    """A connection for short write transactions on the event loop (never waiting for a lock)."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL",
                       "busy_timeout=0", "wal_autocheckpoint=0",
                       "secure_delete=ON"):  # fmt: skip  # held poll answers leave no trace
            self.conn.execute(f"PRAGMA {pragma}")

    def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work` in one transaction (committed unless it raises), or BUSY if another writes."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return BUSY  # type: ignore[no-any-return]
            raise
        try:
            result = work(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return result

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def for_engine(engine: AsyncEngine | None) -> InlineSQLite | None:
    """The inline connection of a SQLite file database (opened on first use), else None."""
    if engine is None or engine.dialect.name != "sqlite":
        return None
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    found = _OPEN.get(engine.sync_engine)
    if found is None:
        found = _OPEN[engine.sync_engine] = InlineSQLite(path)
    return found


def close(engine: AsyncEngine | None) -> None:
    """Close the engine's inline connection, if it has one (at shutdown)."""
    if engine is not None and (found := _OPEN.pop(engine.sync_engine, None)) is not None:
        found.close()
