"""Logging: one handler on the root logger that never writes a secret, and quiet libraries.

`setup_logging(level)` (bot/cli.py) installs it. Whatever the level, python-telegram-bot's,
httpx's and the database drivers' loggers stay at INFO or above: at DEBUG they write every update
(names, user ids, what a parent pressed in an anonymous poll), every request URL (with the bot
token) and every SQL statement with its parameters. Every record
still passes `RedactSecrets`, which replaces bot tokens, `/bot<token>/` URLs, dashboard login
links and Telegram start links (invites, class codes) before anything is written.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HIDDEN = "[redacted]"
# Library loggers and the lowest level they may write at.
QUIET = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.INFO,
    "aiohttp.access": logging.WARNING,
    "asyncio": logging.INFO,
    # SQL statements with their parameters (names, Telegram ids) at DEBUG / INFO
    "aiosqlite": logging.INFO,
    "sqlalchemy": logging.WARNING,
    "asyncpg": logging.INFO,
}
SECRETS = [
    # /bot<token>/ and /file/bot<token>/ in request URLs, whatever the token looks like
    (re.compile(r"/bot[^/\s\"']+"), "/bot" + HIDDEN),
    # a bot token as @BotFather gives it: digits, a colon, 30+ letters, digits, _ or -
    (re.compile(r"\b\d{3,}:[A-Za-z0-9_-]{30,}"), HIDDEN),
    # one-time dashboard login links
    (re.compile(r"/dashboard/login/[^\s\"'<>]+"), "/dashboard/login/" + HIDDEN),
    # Telegram start links: coordinator and teacher invites, class codes
    (re.compile(r"([?&]start(?:group)?=)[^\s&\"'<>]+"), r"\1" + HIDDEN),
    # the same payload sent by hand, as a personal letter tells a parent without a camera to do
    (re.compile(r"(/start\s+)[A-Za-z0-9_-]+"), r"\1" + HIDDEN),
]


def redact(text: str) -> str:
    """`text` without bot tokens, token URLs, login links or start-link payloads."""
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites each record's message (and traceback) without secrets before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def setup_logging(level: str, *, stream: TextIO | None = None) -> logging.Handler:
    """Log at `level` to `stream` (stderr) through the redacting filter; the handler added."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    for earlier in [
        h for h in root.handlers if any(isinstance(f, RedactSecrets) for f in h.filters)
    ]:
        root.removeHandler(earlier)  # set up again (the CLI called twice in one process)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, lowest in QUIET.items():
        library = logging.getLogger(name)
        library.setLevel(max(lowest, root.level))
    return handler
