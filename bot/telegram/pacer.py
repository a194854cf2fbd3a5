"""Pacing sends the way Telegram counts them: overall per second, per chat, and after a 429."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Pacer:
    """Keeps sends under Telegram's limits, counted the way the server counts them.

    Telegram counts a message when it arrives, which is some time between our starting to send it
    and its answer; how long depends on the network and on both event loops. So a send occupies
    its slot from the moment it starts until `window` seconds after its answer: then at most
    `per_second` messages can arrive in any second, whatever the jitter, and likewise one per chat
    per `per_chat_interval`. Slots are also handed out on an even schedule (1/`per_second` apart),
    so there are no bursts, not even after a pause. After a 429 nobody sends until `retry_after`
    has passed, and the budget shrinks a little (growing back after a run of good sends), in case
    the server counts more strictly than we do. Use: `async with pacer.slot(chat_id): send`.
    """

    def __init__(
        self,
        per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.limit = max(1, int(per_second))
        self.window = 1.0 if per_second >= 1 else 1.0 / per_second
        self.per_chat = per_chat_interval
        self.allowed = self.limit  # lowered after a 429, restored by good sends
        self._clock = clock
        self._spacing = self.window / per_second if per_second >= 1 else self.window
        self._base_spacing = self._spacing
        self._inflight = 0
        self._ends: deque[float] = deque()  # answers of recent sends, oldest first
        self._next = 0.0  # the even schedule: no send starts before this
        self._paused_until = 0.0
        self._good = 0
        self._chat_busy: set[int] = set()
        self._chat_next: dict[int, float] = {}
        self._freed = asyncio.Event()
        self._lock = asyncio.Lock()  # FIFO: waiters are served in order

    def now(self) -> float:
        """The pacer's clock: the event loop's (monotonic) unless one was injected."""
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    @asynccontextmanager
    async def slot(self, chat_id: int | None) -> AsyncIterator[None]:
        """Wait until this chat and the bot may send, hold the slot while sending."""
        await self._acquire(chat_id)
        ok = False
        try:
            yield
            ok = True
        finally:
            self._release(chat_id, ok)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends before `seconds` from now, and send a little slower."""
        now = self.now()
        if now >= self._paused_until:  # once per pause, however many answers said so
            self.allowed = max(1, self.allowed - max(1, self.limit // 10))
            self._spacing = self._base_spacing * self.limit / self.allowed
            self._good = 0
        self._paused_until = max(self._paused_until, now + seconds)
        self._next = max(self._next, self._paused_until)

    def pause_left(self) -> float:
        """Seconds until a 429 pause ends (0 when not paused)."""
        return max(0.0, self._paused_until - self.now())

    def _chat_wait(self, chat_id: int | None, now: float) -> float | None:
        """0 if the chat may send now, seconds to wait, or None while its last send is in flight."""
        if chat_id is None:
            return 0.0
        if chat_id in self._chat_busy:
            return None
        return max(0.0, self._chat_next.get(chat_id, 0.0) - now)

    async def _wait_freed(self) -> None:
        await self._freed.wait()

    async def _acquire(self, chat_id: int | None) -> None:
        while True:
            # First this chat (outside the queue, so one busy chat holds up nobody else) ...
            while (wait := self._chat_wait(chat_id, self.now())) != 0.0:
                if wait is None:
                    await self._wait_freed()
                else:
                    await asyncio.sleep(wait)
            # ... then the bot's turn, in order of arrival.
            async with self._lock:
                while True:
                    now = self.now()
                    while self._ends and now - self._ends[0] >= self.window:
                        self._ends.popleft()
                    wait = max(self._paused_until, self._next) - now
                    if self._inflight + len(self._ends) >= self.allowed:
                        if not self._ends:  # every slot is in flight: wait for an answer
                            await self._wait_freed()
                            continue
                        wait = max(wait, self._ends[0] + self.window - now)
                    if wait > 0:
                        await asyncio.sleep(wait)
                        continue
                    if self._chat_wait(chat_id, now) != 0.0:
                        break  # another copy to this chat went first: queue again
                    self._inflight += 1
                    # Even spacing, measured from the real start; a late start may make up at
                    # most half a step, so lateness never turns into a burst.
                    self._next = max(self._next + self._spacing, now + self._spacing / 2)
                    if chat_id is not None:
                        self._chat_busy.add(chat_id)
                    return

    def _release(self, chat_id: int | None, ok: bool) -> None:
        now = self.now()
        self._inflight -= 1
        self._ends.append(now)
        if chat_id is not None:
            self._chat_busy.discard(chat_id)
            self._chat_next[chat_id] = now + self.per_chat
            if len(self._chat_next) > 10_000:
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        if ok and self.allowed < self.limit:
            self._good += 1
            if self._good >= 10 * self.allowed:  # about ten seconds without a 429
                self.allowed += 1
                self._spacing = self._base_spacing * self.limit / self.allowed
                self._good = 0
        self._freed.set()
        self._freed = asyncio.Event()
