"""The poll secret lives in a folder of its own, never in the data folder, and moves out of it."""

from __future__ import annotations

from pathlib import Path

from bot.core.settings import load_settings
from bot.polls.anonymity import SECRET_FILE, load_secret


def test_the_secret_is_made_beside_the_data_folder_not_in_it(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, OUDERBRUG_DATA_DIR=str(tmp_path / "data"))
    secret = load_secret(settings)
    assert not (tmp_path / "data" / SECRET_FILE).exists()
    made = tmp_path / "secrets" / SECRET_FILE
    assert made.read_text().strip().encode() == secret and len(secret) == 64
    assert made.stat().st_mode & 0o777 == 0o600
    assert made.parent.stat().st_mode & 0o777 == 0o700
    assert load_secret(settings) == secret  # the same at every start


def test_an_older_secret_in_the_data_folder_is_moved_out_and_kept(tmp_path: Path) -> None:
    """Participation keys made before the upgrade still match: the secret itself is unchanged."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / SECRET_FILE).write_text("ab" * 32 + "\n")
    elsewhere = tmp_path / "vault"
    settings = load_settings(
        env_file=None,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
        OUDERBRUG_SECRETS_DIR=str(elsewhere),
    )
    assert load_secret(settings) == b"ab" * 32
    assert not (tmp_path / "data" / SECRET_FILE).exists()
    assert (elsewhere / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert elsewhere.stat().st_mode & 0o777 == 0o700
