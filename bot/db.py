"""Database engine and sessions (SQLAlchemy async; aiosqlite or asyncpg)."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import models  # noqa: F401  (registers every table on SQLModel.metadata)

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


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


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep objects usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def create_all(engine: AsyncEngine) -> None:
    """Create every table directly (tests); production uses Alembic migrations."""
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)


async def drop_all(engine: AsyncEngine) -> None:
    """Drop every table (tests on a shared PostgreSQL database)."""
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
