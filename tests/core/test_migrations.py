"""Alembic migrations create exactly the schema the models describe."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.core.db import create_engine, drop_all
from bot.core.migrate import upgrade_async


async def test_upgrade_matches_the_models(db_url: str) -> None:
    """`ouderbrug db upgrade` on an empty database leaves no difference with bot/models/."""
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


async def test_a_school_database_from_the_first_release_upgrades_and_keeps_its_data(
    db_url: str,
) -> None:
    """A database at 0001 with a school and a parent upgrades to the newest schema and back."""
    from alembic import command

    from bot.core.migrate import alembic_config, upgrade

    engine = create_engine(db_url)
    try:
        if db_url.startswith("postgresql"):
            await drop_all(engine)
            async with engine.begin() as conn:
                await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        await asyncio.to_thread(upgrade, db_url, "0001")
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO school (id, name, quiet_start, quiet_end, min_group, min_text_group,"
                " created_at) VALUES (1, 'De Brug', '21:00', '07:00', 5, 10, '2026-09-01 00:00:00')"
            )
            await conn.exec_driver_sql(
                "INSERT INTO member (school_id, telegram_id, chat_id, first_name, role, status,"
                " buddy, created_at) VALUES (1, 42, 42, 'Amina', 'parent', 'active', false,"
                " '2026-09-01 00:00:00')"
            )
        await asyncio.to_thread(upgrade, db_url)
        async with engine.connect() as conn:
            school = (await conn.exec_driver_sql("SELECT key, name FROM school")).one()
            member = (await conn.exec_driver_sql("SELECT first_name FROM member")).one()
        assert tuple(school) == ("default", "De Brug") and member[0] == "Amina"
        await asyncio.to_thread(command.downgrade, alembic_config(db_url), "0001")
        await asyncio.to_thread(upgrade, db_url)
    finally:
        if db_url.startswith("postgresql"):
            async with engine.begin() as conn:
                await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            await drop_all(engine)
        await engine.dispose()
