"""One send budget for the whole bot: interactive replies and the outbox share the Pacer.

python-telegram-bot calls `process_request` for every Bot API request. Every request that sends
something holds a slot of the Pacer from its start until its answer (30/s overall, counted so that
no second can see more arrive; outbox copies also 1/s per chat); on a 429 the Pacer pauses everybody for
`retry_after` and slows down a little, then the request is retried (replies: up to 3 times; the outbox passes
`rate_limit_args=0` and retries itself, so nothing is retried twice or released in a burst).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.pacer import Pacer

log = logging.getLogger(__name__)
# HTTP requests at once (and connections in the pool): plenty for 30 messages/s at Telegram's
# latency. More only costs time: httpcore scans every connection and waiting request each time.
CONNECTIONS = 8
JSONDict = dict[str, Any]
# Requests that do not send anything to a chat are not counted by Telegram's message limits.
UNPACED = {
    "getUpdates",
    "getMe",
    "answerCallbackQuery",
    "setMyCommands",
    "deleteMyCommands",
    "getFile",
}
# Edits of the message a person just pressed a button on (poll questions, menus): Telegram's
# 30/s counts messages sent, and these are answers to the person's own press, at the pace they
# press. They skip the send budget (so a busy outbox does not slow buttons down, nor buttons the
# outbox) but wait out a 429 pause like everything else. Edits of delivered copies (the outbox,
# `rate_limit_args` given) stay paced.
INTERACTIVE_EDITS = {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}


class PacedRateLimiter(BaseRateLimiter[int]):
    """Paces requests through a Pacer and retries 429 answers."""

    def __init__(self, pacer: Pacer, max_retries: int = 3) -> None:
        self.pacer = pacer
        self.max_retries = max_retries
        self._connections = asyncio.Semaphore(CONNECTIONS)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for a slot, send, and on 429 pause everyone and retry."""
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        # The outbox (which passes its own retry count) keeps to 1 message/s per chat; a reply of
        # a few messages is the short burst Telegram tolerates, so replies only share the overall budget.
        chat_id = _as_int(data.get("chat_id")) if rate_limit_args is not None else None
        for attempt in range(retries + 1):
            try:
                interactive = endpoint in INTERACTIVE_EDITS and rate_limit_args is None
                if endpoint in UNPACED or interactive:
                    if interactive and (paused := self.pacer.pause_left()) > 0:
                        await asyncio.sleep(paused)
                    async with self._connections:
                        return await callback(*args, **kwargs)
                async with self.pacer.slot(chat_id), self._connections:
                    return await callback(*args, **kwargs)
            except RetryAfter as err:
                wait = err.retry_after
                self.pacer.pause(
                    wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                )
                if attempt == retries:
                    raise
                log.info("429 from Telegram; retrying %s after %s", endpoint, wait)
        raise AssertionError("unreachable")


def _as_int(chat_id: object) -> int | None:
    try:
        return int(chat_id)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return None
