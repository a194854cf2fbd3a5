"""Configuration: defaults, and one clear sentence for a bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.settings import SettingsError, load_settings


def test_defaults_keep_the_database_under_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """No configuration: SQLite in ./data, Brussels time, Dutch."""
    for key in list(os.environ):
        if key.startswith(("OUDERBRUG_", "TELEGRAM_", "DATABASE_URL")):
            monkeypatch.delenv(key)
    s = load_settings(env_file=None)
    assert s.db_url == f"sqlite+aiosqlite:///{Path('data') / 'ouderbrug.db'}"
    assert s.timezone == "Europe/Brussels" and s.default_language == "nl"
    assert s.telegram_bot_token is None


@pytest.mark.parametrize(
    ("name", "value", "sentence"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "The setting TELEGRAM_BOT_TOKEN is not valid"),
        ("OUDERBRUG_TIMEZONE", "Mars/Olympus", "The setting OUDERBRUG_TIMEZONE is not valid"),
        ("DATABASE_URL", "mysql://x", "The setting DATABASE_URL is not valid"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "The setting TELEGRAM_API_BASE_URL is not valid"),
    ],
)
def test_a_bad_setting_is_one_sentence(name: str, value: str, sentence: str) -> None:
    """The error names the variable and says what is expected."""
    with pytest.raises(SettingsError) as err:
        load_settings(env_file=None, **{name: value})
    assert str(err.value).startswith(sentence) and str(err.value).endswith(".")


def test_the_command_stops_with_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    """`ouderbrug run` with a broken setting prints one line and exits 2."""
    env = {**os.environ, "OUDERBRUG_TIMEZONE": "Nowhere/Land", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "OUDERBRUG_TIMEZONE" in lines[0], done.stderr
