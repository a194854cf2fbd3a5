"""At start the bot's own folders are closed to others: a data folder an older version left
open becomes 0700 (its parents untouched), and the dashboard's signing key moves out of it into
the secrets folder, unchanged, so coordinators who were signed in stay signed in."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.app import build_application
from bot.core.clock import ManualClock
from bot.core.migrate import upgrade_async
from bot.core.settings import Settings, load_settings
from bot.dashboard.auth import KEY_FILE, load_signing_key
from bot.runtime import running
from bot.simulator import FakeTelegram
from tests.conftest import TOKEN


def mode(path: Path) -> int:
    """The permission bits of a file or folder."""
    return stat.S_IMODE(path.stat().st_mode)


def settings_in(data: Path, tg: FakeTelegram) -> Settings:
    """An installation whose data folder is `data` (SQLite inside it, secrets beside it)."""
    return load_settings(
        env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        OUDERBRUG_DATA_DIR=str(data),
    )


async def test_an_open_data_folder_is_closed_at_start_and_its_parent_is_left_alone(
    tg: FakeTelegram, tmp_path: Path, clock: ManualClock
) -> None:
    """An older version made ./data 0755 (anyone on the server could list it); after the next
    start it is 0700. The folder it sits in is not the bot's, and keeps its mode."""
    os.chmod(tmp_path, 0o755)
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    settings = settings_in(data, tg)
    await upgrade_async(settings.db_url, "head")
    assert mode(data) == 0o755  # the migration alone does not change it: the start does
    async with running(build_application(settings, clock=clock), poll_timeout=5):
        assert mode(data) == 0o700
    assert mode(tmp_path) == 0o755


async def test_an_older_signing_key_moves_to_the_secrets_folder_at_start(
    tg: FakeTelegram, tmp_path: Path, clock: ManualClock
) -> None:
    """The key an older version wrote into data/session.key is, after the next start and before
    anyone opens the dashboard, in secrets/session.key (0600, folder 0700), the same key."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / KEY_FILE).write_text("cd" * 32 + "\n")
    settings = settings_in(data, tg)
    await upgrade_async(settings.db_url, "head")
    async with running(build_application(settings, clock=clock), poll_timeout=5):
        moved = tmp_path / "secrets" / KEY_FILE
        assert not (data / KEY_FILE).exists()
        assert moved.read_text().strip() == "cd" * 32
        assert mode(moved) == 0o600 and mode(moved.parent) == 0o700
    assert load_signing_key(settings) == b"cd" * 32  # cookies signed before still check out


def test_a_new_signing_key_is_made_in_the_secrets_folder_never_in_the_data_folder(
    tmp_path: Path,
) -> None:
    vault = tmp_path / "vault"
    settings = load_settings(
        env_file=None, OUDERBRUG_DATA_DIR=str(tmp_path / "data"), OUDERBRUG_SECRETS_DIR=str(vault)
    )
    key = load_signing_key(settings)
    assert len(key) == 64 and (vault / KEY_FILE).read_text().strip().encode() == key
    assert not (tmp_path / "data" / KEY_FILE).exists()
    assert mode(vault / KEY_FILE) == 0o600 and mode(vault) == 0o700
    assert load_signing_key(settings) == key
