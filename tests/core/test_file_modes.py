"""The SQLite database, its -wal and -shm files, the keys and the backups are readable by their
owner only (0600), in a data folder only its owner can open (0700), whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.core.backup import backup
from bot.core.clock import ManualClock
from bot.core.migrate import upgrade_async
from bot.core.settings import load_settings
from bot.dashboard.auth import load_signing_key
from bot.demo.school import School
from bot.runtime import running
from bot.simulator import FakeTelegram
from bot.web.server import web_side
from tests.conftest import TOKEN


def mode(path: Path) -> int:
    """The permission bits of a file or folder."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The usual umask 022 (files 0644, folders 0755), restored after."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


async def test_a_new_installation_keeps_its_files_to_itself(
    tg: FakeTelegram, tmp_path: Path, clock: ManualClock, permissive_umask: None
) -> None:
    """First start with the default SQLite database in ./data, webhook mode: the folder is 0700,
    the database, its WAL and shared-memory files, the webhook key 0600, and the signing key 0600 in the secrets folder (0700); a
    backup written there is 0600 too."""
    data = tmp_path / "data"
    settings = load_settings(
        env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        OUDERBRUG_DATA_DIR=str(data),
    )
    await upgrade_async(settings.db_url, "head")
    application = build_application(settings, clock=clock, webhook=True)
    async with web_side(settings, {"default": application}, host="127.0.0.1", port=0):
        school = School(tg=tg, app=application)
        await school.coordinator()  # something written: the WAL holds it
        load_signing_key(settings)
        files = ["ouderbrug.db", "ouderbrug.db-wal", "ouderbrug.db-shm"]
        files += ["webhook.key", "../secrets/session.key"]
        assert {name: oct(mode(data / name)) for name in files} == dict.fromkeys(files, oct(0o600))
        assert mode(data) == 0o700 and mode(tmp_path / "secrets") == 0o700
        await backup(settings.db_url, data / "backup.jsonl.gz")
        await backup(settings.db_url, data / "backup.jsonl")
    assert mode(data / "backup.jsonl.gz") == 0o600 and mode(data / "backup.jsonl") == 0o600


async def test_an_existing_database_file_is_made_private(
    tg: FakeTelegram, tmp_path: Path, clock: ManualClock, permissive_umask: None
) -> None:
    """A database an older version left at 0644 is 0600 after the next start."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "ouderbrug.db").touch(mode=0o644)
    os.chmod(data / "ouderbrug.db", 0o644)
    settings = load_settings(
        env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        OUDERBRUG_DATA_DIR=str(data),
    )
    await upgrade_async(settings.db_url, "head")
    async with running(build_application(settings, clock=clock), poll_timeout=5):
        assert mode(data / "ouderbrug.db") == 0o600
        assert mode(data / "ouderbrug.db-wal") == 0o600
