"""Short-lived caches of rows read on every update (members, their classes, polls).

A cache is dropped whenever this process writes to one of its tables: every statement sent on the
engine is looked at (INSERT, UPDATE or DELETE of a watched table). Until the writing connection is
back in the pool (its transaction committed or rolled back) nothing is stored, and when it is back
the cache is dropped again, so no reader keeps what it read just before the commit (a value read
before a drop is not stored either: see `token`). Other processes (several bots on
PostgreSQL, the web dashboard) are not seen: there an entry lives at most `ttl` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

K = TypeVar("K")
V = TypeVar("V")
TTL = 30.0  # seconds an entry may be stale when another process changed the row
MISSING: Any = object()
KEY = "ouderbrug_written"  # in a connection's info: the watched tables it wrote to


class Cache(Generic[K, V]):
    """Values by key, for at most `ttl` seconds, dropped when one of `tables` is written."""

    def __init__(
        self, tables: Iterable[str], *, ttl: float = TTL, size: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.tables = frozenset(tables)
        self.ttl, self.size, self._clock = ttl, size, clock
        self._values: dict[K, tuple[float, V]] = {}
        self._generation = 0
        self.writing: set[int] = set()  # connections with a write of our tables not yet ended

    def get(self, key: K) -> V:
        """The cached value, or MISSING."""
        found = self._values.get(key)
        if found is None or self._clock() - found[0] > self.ttl:
            return MISSING  # type: ignore[no-any-return]
        return found[1]

    def token(self) -> int:
        """Take before reading the database; `put` stores only if nothing was written since."""
        return self._generation

    def put(self, key: K, value: V, token: int) -> None:
        """Remember a value read after `token` was taken (unless the table changed meanwhile)."""
        if token != self._generation or self.writing:
            return
        if len(self._values) >= self.size:
            self._values.clear()
        self._values[key] = (self._clock(), value)

    def clear(self) -> None:
        """Forget everything (a watched table was written)."""
        self._generation += 1
        self._values.clear()


def written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes to (None for anything else)."""
    words = statement.lstrip()[:80].split(None, 3)
    if len(words) < 3:
        return None
    verb = words[0].upper()
    if verb == "UPDATE":
        name = words[1]
    elif verb in ("INSERT", "DELETE", "REPLACE"):
        name = words[2]
    else:
        return None
    return name.strip('"`').split("(")[0].lower()


def watch(engine: Engine, caches: Iterable[Cache[Any, Any]]) -> None:
    """Drop the caches when their tables are written on this engine (and again at commit)."""
    by_table: dict[str, list[Cache[Any, Any]]] = {}
    for cache in caches:
        for table in cache.tables:
            by_table.setdefault(table, []).append(cache)

    def drop(tables: Iterable[str]) -> None:
        for table in tables:
            for cache in by_table.get(table, ()):
                cache.clear()

    @event.listens_for(engine, "after_cursor_execute")
    def _written(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        table = written_table(statement)
        if table in by_table:
            conn.info.setdefault(KEY, set()).add(table)
            for cache in by_table[table]:
                cache.writing.add(id(conn.info))
            drop((table,))

    @event.listens_for(engine.pool, "checkin")
    @event.listens_for(engine.pool, "invalidate")
    def _ended(_dbapi_conn: Any, record: Any, *_args: Any) -> None:
        written = record.info.pop(KEY, None) if record is not None else None
        for table in written or ():
            for cache in by_table.get(table, ()):
                cache.writing.discard(id(record.info))
        drop(written or ())
