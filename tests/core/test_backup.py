"""A school's server is lost; the ICT person restores last night's backup and parents carry on."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from bot.admin import backup_command
from bot.app import build_application
from bot.core.backup import BackupError, restore
from bot.core.clock import ManualClock
from bot.core.db import create_engine, drop_all
from bot.core.settings import Settings
from bot.demo.school import School
from bot.runtime import running
from bot.simulator import FakeTelegram


async def table_rows(url: str) -> dict[str, list[Any]]:
    """Every row of every table, in primary key order."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in await conn.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        await engine.dispose()


async def emptied(url: str, tmp_path: Path) -> str:
    """A database with nothing in it: a new SQLite file, or the PostgreSQL one cleared."""
    if not url.startswith("postgresql"):
        return f"sqlite+aiosqlite:///{tmp_path / 'new-server' / 'ouderbrug.db'}"
    engine = create_engine(url)
    try:
        await drop_all(engine)
        async with engine.begin() as conn:
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        await engine.dispose()
    return url


async def test_backup_and_restore_on_a_new_server(
    tg: FakeTelegram, settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    """A class, a teacher, two parents and an announcement survive; Tom then joins another class."""
    async with running(build_application(settings, clock=clock), poll_timeout=1) as app:
        school = School(tg=tg, app=app)
        sofie = await school.coordinator()
        await school.new_class(sofie, "1A")
        lies = await school.teacher(sofie, "Juf Lies", "1A")
        tom = await school.parent("Tom", "nl", "1A")
        await school.parent("Amina", "ar", "1A")
        await lies.send("Vrijdag is het schoolfeest!")
        await lies.press(school.t("nl", "announce.send_now"))
        await tom.expect_text("Vrijdag is het schoolfeest!", timeout=10)
        await school.new_class(sofie, "2B")
    file = tmp_path / "ouderbrug-nightly.jsonl.gz"
    assert await asyncio.to_thread(backup_command, settings, "backup", file) == 0  # the CLI
    before = await table_rows(settings.db_url)
    assert before["member"] and before["delivery"] and before["school_class"]

    new_url = await emptied(settings.db_url, tmp_path)
    counts = await restore(new_url, file)
    assert counts["member"] == 4 and counts["delivery"] == 2
    assert await table_rows(new_url) == before
    with pytest.raises(BackupError, match="not empty"):
        await restore(new_url, file)

    moved = settings.model_copy(update={"database_url": new_url})
    async with running(build_application(moved, clock=clock), poll_timeout=1) as app:
        school = School(tg=tg, app=app, classes=school.classes)
        assert app.bot_data.bootstrap_link is None, "the coordinator is still there"
        [letter] = await school.letter("2B", "Kind Tom", guardians=1)  # new rows get new ids
        await tom.send("/start " + letter)
        await tom.expect_text(
            school.t("nl", "families.joined", children="Kind Tom (2B)"), timeout=10
        )


async def test_a_file_that_is_not_a_backup_is_refused(settings: Settings, tmp_path: Path) -> None:
    """Restoring the wrong file says so and changes nothing."""
    wrong = tmp_path / "notes.txt"
    wrong.write_text("boodschappen: melk, brood\n")
    with pytest.raises(BackupError, match="not an Ouderbrug backup"):
        await restore(settings.db_url, wrong)
    missing = tmp_path / "missing.jsonl"
    assert await asyncio.to_thread(backup_command, settings, "restore", missing) == 1
