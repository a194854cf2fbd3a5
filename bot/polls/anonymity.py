"""The server secret behind anonymous polls, and the keyed hash of (poll, person).

The secret comes from OUDERBRUG_SECRET or, if unset, from `secret.key` in its own folder
(OUDERBRUG_SECRETS_DIR, by default `secrets` beside the data folder, mode 0700), generated on first
start. It is never written to the database, nor kept in the data folder: with the database (or a
copy of the data folder) alone, a participation key cannot be tied to a Telegram user.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from pathlib import Path

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.settings import Settings, generated_secret, secret_file

log = logging.getLogger(__name__)

SECRET_FILE = "secret.key"


def secret_path(settings: Settings) -> Path:
    """Where the generated secret lives (its folder is created 0700)."""
    return settings.secrets_path / SECRET_FILE


def load_secret(settings: Settings) -> bytes:
    """The server secret (created in the secrets folder on first use when not configured).

    A secret of an older installation, in the data folder, is moved to the secrets folder.
    """
    if settings.secret:
        return settings.secret.encode()
    value, _made = generated_secret(secret_file(settings, SECRET_FILE))
    return value.encode()


def participation_key(secret: bytes, poll_id: int, telegram_id: int) -> str:
    """HMAC-SHA256 of (poll, Telegram user) under the server secret, as hex."""
    message = f"poll:{poll_id}:user:{telegram_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


# On PostgreSQL the order of rows in the heap (ctid) and the transaction id that wrote them (xmin)
# follow the order of participation, and a press writes its participation step and its answers in
# one transaction (one xmin). `reshuffle` rewrites a poll's anonymous rows in one transaction, in
# random order: afterwards they all carry the same xmin and sit in the heap in an order that says
# nothing. It runs every SHUFFLE_EVERY stored presses of a poll, every night and when the poll
# closes (see docs/benchmarks.md for the cost and the window that remains). SQLite keeps these
# tables WITHOUT ROWID in the order of their random keys, so there is nothing to do there.
SHUFFLE_EVERY = 100
_SHUFFLE = [
    # Presses of every poll wait (they do not fail) until the rewrite commits; the rows cannot
    # change between the copy and the delete.
    "LOCK TABLE poll_response, poll_answer IN SHARE ROW EXCLUSIVE MODE",
    "CREATE TEMP TABLE shuffle_response ON COMMIT DROP AS"
    " SELECT * FROM poll_response WHERE poll_id = :poll",
    "CREATE TEMP TABLE shuffle_answer ON COMMIT DROP AS"
    " SELECT * FROM poll_answer WHERE poll_id = :poll",
    "DELETE FROM poll_answer WHERE poll_id = :poll",
    "DELETE FROM poll_response WHERE poll_id = :poll",
    # gen_random_uuid() draws from the server's strong random source (random() would be seeded).
    "INSERT INTO poll_response SELECT * FROM shuffle_response ORDER BY gen_random_uuid()",
    "INSERT INTO poll_answer SELECT * FROM shuffle_answer ORDER BY gen_random_uuid()",
]


async def reshuffle(session: AsyncSession, *, poll_id: int) -> int:
    """Rewrite a poll's responses and answers in random order, in one transaction (PostgreSQL).

    Returns the number of rows rewritten (0 on SQLite, where the order is already the keys').
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return 0
    rows = 0
    await session.commit()  # a transaction of its own
    for statement in _SHUFFLE:
        # An integer, written into the text: CREATE TABLE AS takes no bound parameters.
        sql = statement.replace(":poll", str(int(poll_id)))
        result = await session.exec(text(sql))  # type: ignore[call-overload]
        if statement.startswith("INSERT"):
            rows += int(result.rowcount or 0)
    await session.commit()
    log.info("poll %s: %s anonymous rows rewritten in random order", poll_id, rows)
    return rows
