"""The server secret behind anonymous polls, and the keyed hash of (poll, person).

The secret comes from OUDERBRUG_SECRET or, if unset, from `<data dir>/secret.key`, generated on
first start. It is never written to the database: with the database alone, a participation key
cannot be tied to a Telegram user.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.settings import Settings

SECRET_FILE = "secret.key"


def load_secret(settings: Settings) -> bytes:
    """The server secret (created in the data folder on first use when not configured)."""
    if settings.secret:
        return settings.secret.encode()
    path = Path(settings.data_dir) / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value.encode()


def participation_key(secret: bytes, poll_id: int, telegram_id: int) -> str:
    """HMAC-SHA256 of (poll, Telegram user) under the server secret, as hex."""
    message = f"poll:{poll_id}:user:{telegram_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
