"""Ouderbrug: a Telegram bridge between schools and parents, translated offline."""

__version__ = "0.1.0"

import os as _os

# Opt in to python-telegram-bot's timedelta durations (RetryAfter.retry_after and friends).
_os.environ.setdefault("PTB_TIMEDELTA", "1")
