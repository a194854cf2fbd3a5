"""Database migrations (Alembic), runnable from the CLI and at start-up.

Several processes may start at once on one PostgreSQL database (bot/cluster/): each upgrade runs
inside a transaction holding an advisory lock, so one process migrates while the others wait,
then find the database up to date.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from bot.core.db import create_engine

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
MIGRATION_LOCK = 0x0BD3_0019  # the advisory lock key every Ouderbrug process migrates under


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database to the newest schema (creates it if new); one process at a time."""
    if url.startswith("postgresql"):
        asyncio.run(_upgrade_locked(url, revision))
    else:
        command.upgrade(alembic_config(url), revision)


async def _upgrade_locked(url: str, revision: str) -> None:
    """PostgreSQL: take the migration lock, migrate in the same transaction, commit (unlocks)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            await conn.run_sync(_upgrade_on, url, revision)
            await conn.commit()
    finally:
        await engine.dispose()


def _upgrade_on(connection: Connection, url: str, revision: str) -> None:
    cfg = alembic_config(url)
    cfg.attributes["connection"] = connection  # bot/migrations/env.py uses it as it is
    command.upgrade(cfg, revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    """`upgrade` from inside a running event loop (Alembic's env uses its own loop)."""
    await asyncio.to_thread(upgrade, url, revision)
