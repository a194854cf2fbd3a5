"""One send budget for the whole bot: interactive replies and the outbox share the Pacer.

python-telegram-bot calls `process_request` for every Bot API request. Every request that sends
something holds a slot of the Pacer from its start until its answer (bot/telegram/pacer.py:
30/s overall, counted so that no second can see more arrive, and per chat).

**What a request carries.** `rate_limit_args` says how a request is paced:

- `None` (a reply, a job's message): per chat a bucket of `REPLY_BURST` messages refilled at
  1/s (people answer at their own pace; only a runaway loop meets it), not queued behind the
  outbox, and retried up to 3 times after a 429.
- a `Pacing` (the outbox: `OUTBOX`, for its sends, edits and deletions alike): queued in order,
  1/s per chat with `burst` back to back (the pieces of one copy: picture, text, calendar file,
  map), and `retries` times retried after a 429 (the outbox's 0: it retries itself).

A `Pacing` is a dataclass, so never falsy: PTB 22.8's `ExtBot._merge_api_rl_kwargs` drops a
falsy `rate_limit_args` (`if not rate_limit_args: return api_kwargs`), which is how the old
`rate_limit_args=0` never reached the limiter. A plain int is taken as a reply's retry count.

**429.** A 429 on a request to a chat holds only that chat for `retry_after` (Telegram's per-chat
flood limit); a 429 without a chat, or on a second chat within a second (a flood of the whole
bot), pauses everybody and slows down a little (see `Pacer.pause`).

**Fence.** When several processes share the schools (bot/cluster/), the owner of a school gives
its bot's limiter the school's `Fence`: every request except `getUpdates` and `getMe` first waits
until the fence is valid (the lease surely still ours), and raises `LeaseLost` once the school is
lost, so two processes never spend one bot's budget together, also during a takeover.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.cluster.fence import Fence
from bot.telegram.pacer import IN_FLIGHT, Pacer

log = logging.getLogger(__name__)
UNPACED_AT_ONCE = 16  # requests outside the budget (button answers, ...) at once
# HTTP connections in the pool: the paced requests in flight plus the unpaced ones, so a request
# that got its slot never waits for a connection (its arrival would drift from its slot).
CONNECTIONS = IN_FLIGHT + UNPACED_AT_ONCE
REPLY_BURST = 20  # messages a chat may get back to back from replies, then 1/s
JSONDict = dict[str, Any]
# Requests that do not send anything to a chat are not counted by Telegram's message limits.
UNPACED = {
    "getUpdates",
    "getMe",
    "answerCallbackQuery",
    "setMyCommands",
    "deleteMyCommands",
    "getMyCommands",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setChatMenuButton",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "getFile",
}
# Edits of the message a person just pressed a button on (poll questions, menus): Telegram's
# 30/s counts messages sent, and these are answers to the person's own press, at the pace they
# press. They skip the send budget (so a busy outbox does not slow buttons down, nor buttons the
# outbox) but wait out a 429 pause (of everybody or of their chat) like everything else. Edits
# of delivered copies (the outbox, with a `Pacing`) stay paced.
INTERACTIVE_EDITS = {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}
UNFENCED = {"getUpdates", "getMe"}  # read only: polling stops by itself when the lease is lost


@dataclass(frozen=True)
class Pacing:
    """`rate_limit_args` of a paced request that is not a reply (see the module's docstring)."""

    burst: int = 1  # messages this chat may get back to back before 1/s applies
    retries: int = 0  # 429s retried inside the rate limiter, each after its pause


OUTBOX = Pacing(burst=3, retries=0)  # a copy's pieces back to back; the outbox retries itself


class PacedRateLimiter(BaseRateLimiter[Pacing | int]):
    """Paces requests through a Pacer and retries 429 answers."""

    def __init__(self, pacer: Pacer, max_retries: int = 3, *, fence: Fence | None = None) -> None:
        self.pacer = pacer
        self.max_retries = max_retries
        self.fence = fence  # the school's lease (bot/cluster/fence.py); None: one process alone
        self._unpaced = asyncio.Semaphore(UNPACED_AT_ONCE)

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
        rate_limit_args: Pacing | int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for a slot, send, and on 429 hold the chat (or everyone) and retry."""
        pacing = rate_limit_args if isinstance(rate_limit_args, Pacing) else None
        if pacing is not None:
            retries = pacing.retries
        elif isinstance(rate_limit_args, int):
            retries = rate_limit_args
        else:
            retries = self.max_retries
        chat_id = _as_int(data.get("chat_id"))
        unpaced = endpoint in UNPACED or (endpoint in INTERACTIVE_EDITS and pacing is None)
        fence = self.fence if endpoint not in UNFENCED else None
        for attempt in range(retries + 1):
            try:
                if fence is not None:
                    await fence.wait_valid()
                if unpaced:
                    if (paused := self.pacer.pause_left(chat_id)) > 0:
                        await asyncio.sleep(paused)
                    async with self._unpaced:
                        return await callback(*args, **kwargs)
                if pacing is None:  # a reply: its own lane, and no queueing behind the outbox
                    slot = self.pacer.slot(chat_id, burst=REPLY_BURST, lane="reply", urgent=True)
                else:
                    slot = self.pacer.slot(chat_id, burst=pacing.burst)
                async with slot:
                    if fence is None:
                        return await callback(*args, **kwargs)
                    await fence.wait_valid()  # the slot may have come late: still ours?
                    with fence.passing():
                        return await callback(*args, **kwargs)
            except RetryAfter as err:
                wait = err.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                everybody = self.pacer.pause(seconds, chat_id)
                if attempt == retries:
                    raise
                who = "everybody" if everybody else f"chat {chat_id}"
                log.info("429 from Telegram; %s waits %s s, then %s again", who, seconds, endpoint)
        raise AssertionError("unreachable")


def _as_int(chat_id: object) -> int | None:
    try:
        return int(chat_id)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return None
