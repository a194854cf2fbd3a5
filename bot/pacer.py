"""Pacing sends the way Telegram counts them: overall per second, per chat, and after a 429."""

from __future__ import annotations

import asyncio
import time
from collections import deque


class Pacer:
    """Keeps sends under Telegram's limits, counted the way Telegram counts them.

    At most `per_second` sends start in any sliding second (a sliding window, so late wake-ups
    cannot bunch into a burst), at most one per chat per `per_chat_interval`, and after a 429
    nobody sends until `retry_after` has passed.
    """

    def __init__(self, per_second: float = 25.0, per_chat_interval: float = 1.0) -> None:
        self.limit = max(1, int(per_second))
        self.window = 1.0 if per_second >= 1 else 1.0 / per_second
        self.per_chat = per_chat_interval
        self._recent: deque[float] = deque()
        self._chat_next: dict[int, float] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def slot(self, chat_id: int | None) -> None:
        """Wait until this chat and the bot may send again, and take the slot."""
        while True:
            async with self._lock:
                now = time.monotonic()
                while self._recent and now - self._recent[0] >= self.window:
                    self._recent.popleft()
                chat_ready = self._chat_next.get(chat_id, 0.0) if chat_id is not None else 0.0
                wait = max(chat_ready, self._paused_until) - now
                if len(self._recent) >= self.limit:
                    wait = max(wait, self._recent[0] + self.window - now)
                if wait <= 0:
                    self._recent.append(now)
                    if chat_id is not None:
                        self._chat_next[chat_id] = now + self.per_chat
                    return
            await asyncio.sleep(wait)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends before `seconds` from now."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
