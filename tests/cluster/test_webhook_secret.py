"""Processes started together on one shared folder agree on every secret they generate: the
webhook secret (data folder), the poll secret and the dashboard's signing key (secrets folder)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.core.settings import Settings, load_settings
from bot.dashboard.auth import load_signing_key
from bot.polls.anonymity import load_secret
from bot.web.webhook import SECRET_FILE, load_webhook_secret

SECRETS: list[tuple[str, str, Callable[[Settings], object]]] = [
    ("data", SECRET_FILE, load_webhook_secret),
    ("secrets", "secret.key", load_secret),
    ("secrets", "session.key", load_signing_key),
]


@pytest.mark.parametrize(("folder", "name", "load"), SECRETS, ids=[s[1] for s in SECRETS])
def test_processes_starting_together_share_one_generated_secret(
    tmp_path: Path, folder: str, name: str, load: Callable[[Settings], object]
) -> None:
    """Eight starts at the same moment, nothing configured: one secret, one 0600 file, nothing
    half-written left behind (never an empty secret); a later start reads the same one."""
    settings = load_settings(
        env_file=None,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
        OUDERBRUG_SECRETS_DIR=str(tmp_path / "secrets"),
    )
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = set(pool.map(lambda _: load(settings), range(8)))
    assert len(found) == 1
    value = next(iter(found))
    assert len(value) == 64  # type: ignore[arg-type]
    assert [p.name for p in (tmp_path / folder).iterdir()] == [name]
    assert stat.S_IMODE((tmp_path / folder / name).stat().st_mode) == 0o600
    assert load(settings) == value
