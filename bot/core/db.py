"""Database engine and sessions (SQLAlchemy async; aiosqlite or asyncpg)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import weakref
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import models  # registers every table on SQLModel.metadata

SessionFactory = async_sessionmaker[AsyncSession]
BUSY_TIMEOUT_MS = 30_000  # how long a statement waits for SQLite's lock


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys, secure delete and a busy timeout (every connection)."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            private_file(Path(path))
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA secure_delete=ON")  # deleted rows overwritten with zeros
            cur.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


async def checkpoint(engine: AsyncEngine, *, wait: bool = True) -> bool:
    """SQLite: copy the WAL into the database file and truncate it to nothing, so rows deleted
    just before are gone from both files. True when the WAL is empty now; PostgreSQL: False.

    `wait=False`: do not wait for readers and writers (a waiting TRUNCATE holds up every writer
    meanwhile): copy what can be copied now and say False when the WAL could not be emptied."""
    if engine.dialect.name != "sqlite":
        return False
    async with engine.connect() as conn:
        if not wait:
            await conn.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            row = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).first()
        finally:
            if not wait:
                await conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return row is not None and row[0] == 0


def private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600, its folder 0700 when made here).

    SQLite gives the -wal and -shm files the database file's permissions, so they are 0600 too.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError:
        return  # not a usable file (a folder, a read-only disk): SQLite says why on connect
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


_WRITERS: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()


def one_writer(engine: AsyncEngine | None) -> AbstractAsyncContextManager[Any]:
    """On SQLite, hot write paths take turns here (SQLite has one writer at a time).

    Without it, concurrent updates wait for each other inside SQLite's busy handler, which
    sleeps up to 100 ms at a time; here they queue on the event loop instead. PostgreSQL: no-op.
    """
    if engine is None or engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    lock = _WRITERS.get(engine.sync_engine)
    if lock is None:
        lock = _WRITERS[engine.sync_engine] = asyncio.Lock()
    return lock


def session_factory(engine: AsyncEngine, *, school_id: int | None = None) -> SessionFactory:
    """Sessions that keep objects usable after commit; with `school_id`, they see one school only.

    A school's sessions add `school_id = ...` to every ORM query, update and delete of a table
    that has that column (and `id = ...` for the school itself), so a stale or forged id from
    another school finds nothing. The services filter by school themselves too: this is the guard.
    """
    info = {} if school_id is None else {SCHOOL_KEY: school_id}
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, info=info)


SCHOOL_KEY = "ouderbrug_school_id"
_SCHOOL_TABLES: list[Any] = [
    table
    for table in SQLModel.__subclasses__()
    if "school_id" in getattr(getattr(table, "__table__", None), "columns", ())
]


@event.listens_for(Session, "do_orm_execute")
def _only_this_school(state: ORMExecuteState) -> None:
    """Limit a school's sessions to its own rows (see `session_factory`)."""
    school_id = state.session.info.get(SCHOOL_KEY)
    if school_id is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(*_criteria(school_id))


@functools.cache
def _criteria(school_id: int) -> tuple[Any, ...]:
    """The guard's options for one school (made once)."""
    return (
        *(
            with_loader_criteria(table, table.school_id == school_id, include_aliases=True)
            for table in _SCHOOL_TABLES
        ),
        with_loader_criteria(models.School, col(models.School.id) == school_id),
    )


async def create_all(engine: AsyncEngine) -> None:
    """Create every table directly (tests); production uses Alembic migrations."""
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)


async def drop_all(engine: AsyncEngine) -> None:
    """Drop every table (tests on a shared PostgreSQL database)."""
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
