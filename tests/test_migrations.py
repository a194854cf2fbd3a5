"""Alembic migrations create exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.db import create_engine, drop_all
from bot.migrate import upgrade_async


async def test_upgrade_matches_the_models(db_url: str) -> None:
    """`ouderbrug db upgrade` on an empty database leaves no difference with bot/models.py."""
    engine = create_engine(db_url)
    try:
        if db_url.startswith("postgresql"):
            await drop_all(engine)
            async with engine.begin() as conn:
                await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        await upgrade_async(db_url)
        await upgrade_async(db_url)  # idempotent

        def diff(sync_conn):  # type: ignore[no-untyped-def]
            ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
            return compare_metadata(ctx, SQLModel.metadata)

        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
        assert differences == []
    finally:
        if db_url.startswith("postgresql"):
            async with engine.begin() as conn:
                await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            await drop_all(engine)
        await engine.dispose()
