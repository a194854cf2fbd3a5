"""Pacing sends the way Telegram counts them: overall per second, per chat, and after a 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    """Keeps sends under Telegram's limits, counted the way Telegram counts them.

    Sends are spaced evenly, one every 1/`per_second` seconds, never in bursts: Telegram counts
    arrivals in any sliding second, and a burst granted at the start of one second plus a burst
    at the start of the next, shifted by network jitter, lands in the same second and earns a
    429. At most one send per chat per `per_chat_interval`; after a 429 nobody sends until
    `retry_after` has passed.
    """

    def __init__(
        self,
        per_second: float = 29.0,
        per_chat_interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clock, self.sleep = clock, sleep
        self.interval = 1.0 / per_second
        self.per_chat = per_chat_interval
        self._next_free = 0.0
        self._chat_next: dict[int, float] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def slot(self, chat_id: int | None) -> None:
        """Wait until this chat and the bot may send again, and take the slot."""
        while True:
            async with self._lock:
                now = self.clock()
                chat_ready = self._chat_next.get(chat_id, 0.0) if chat_id is not None else 0.0
                wait = max(chat_ready, self._paused_until, self._next_free) - now
                if wait <= 0:
                    # Keep the even schedule through small wake-up delays, but never save up
                    # credit for a burst after a quiet moment.
                    late = now - self._next_free
                    base = self._next_free if late < self.interval else now
                    self._next_free = base + self.interval
                    if chat_id is not None:
                        self._chat_next[chat_id] = now + self.per_chat
                        if len(self._chat_next) > 10_000:
                            self._forget_old_chats(now)
                    return
            await self.sleep(wait)

    def _forget_old_chats(self, now: float) -> None:
        """Chats whose next slot has passed need no entry (keeps memory flat on big schools)."""
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends before `seconds` from now."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)
