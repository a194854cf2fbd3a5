"""Pacing sends the way Telegram counts them: overall per second, per chat, and after a 429."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

IN_FLIGHT = 48  # paced requests at once: 30/s with answers of up to ~1.5 s each
LATE = 0.2  # how much later than its fastest possible arrival a request may still arrive (s)
RECOVER = 10.0  # seconds from the end of a 429 pause back to the full rate
SLOWER = 0.75  # after a 429 the rate drops to this share (once per pause) ...
SLOWEST = 0.5  # ... but never below this share of the limit
FASTEST_SHARE = 0.8  # of the fastest recent round trip: the least time both trips can take
TICK = 1e-6  # waits shorter than this are no waits (the loop's clock has a resolution too)


class Pacer:
    """Keeps sends under Telegram's limits, counted the way the server counts them.

    **Overall.** Telegram counts a message when it arrives, between our start and its answer.
    Both trips of a request take at least `FASTEST_SHARE` of the fastest round trip seen lately,
    so an answered request arrived no later than its answer less that (on the time line of our
    starts); one still in flight, or answered slowly, is taken to have arrived within `LATE` of
    its start (a slow answer is a slow server: the message arrived, and counted, first). A
    request may start when fewer than `per_second` earlier ones can have arrived within a second
    of it, and starts are spread evenly (1/`per_second` apart: no bursts, not even after a
    pause). So the pace stays near 30/s with 100 ms round trips and with slow answers (holding
    every slot until a second after its answer gave 30/(1 + answer time)); at most `IN_FLIGHT`
    requests are in flight. Requests wait in order of arrival, except `urgent` ones (replies),
    which take the next free slot.

    **Per chat.** One request at a time per chat; each chat has a token bucket per lane, filled
    at one message per `per_chat_interval`: a request may start while its lane has less than
    `burst` messages of backlog (the outbox: 1/s with a few back to back for the pieces of one
    copy; replies: a larger allowance, as people answer at their own pace).

    **429.** With a chat, it holds only that chat for `retry_after` (Telegram's per-chat flood
    limit), unless a second chat hears a 429 within a second: then, as for a 429 without a chat,
    nobody sends until `retry_after` has passed, and the rate drops to `SLOWER` of what it was,
    growing back to the full rate over the `RECOVER` seconds after the pause.
    Use: `async with pacer.slot(chat_id, burst=..., lane=...): send`.
    """

    def __init__(
        self,
        per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        *,
        in_flight: int = IN_FLIGHT,
        late: float = LATE,
        recover: float = RECOVER,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.window = 1.0 if per_second >= 1 else 1.0 / per_second
        self.limit = max(1, round(per_second * self.window))
        self.per_chat = per_chat_interval
        self.max_in_flight = in_flight
        self.late = late
        self.recover = recover
        self._clock = clock
        self._tokens = itertools.count()
        self._flying: dict[int, float] = {}  # request -> its start
        self._arrived: list[float] = []  # heap: when answered requests stop counting
        self._round_trips: deque[float] = deque(maxlen=64)
        self._next = 0.0  # the even schedule: no send starts before this
        self._paused_until = 0.0
        self._low = 1.0  # the share of the limit right after the last 429 pause
        self._busy: set[int] = set()
        self._due: dict[tuple[int, str], float] = {}  # (chat, lane) -> its bucket's time
        self._held: dict[int, float] = {}  # chat -> end of its 429 hold
        self._floods: dict[int, float] = {}  # chat -> time of its last 429
        self._freed = asyncio.Event()
        self._queue = asyncio.Lock()  # FIFO: waiters are served in order
        self._urgent = 0  # urgent requests waiting for the budget: they go before the queue
        self._urgent_gone = asyncio.Event()

    def now(self) -> float:
        """The pacer's clock: the event loop's (monotonic) unless one was injected."""
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    @asynccontextmanager
    async def slot(
        self, chat_id: int | None, *, burst: int = 1, lane: str = "", urgent: bool = False
    ) -> AsyncIterator[None]:
        """Wait until this chat and the bot may send, hold the slot while sending.

        `urgent` requests (replies to what a person just did) do not queue behind the others:
        they only wait for the budget.
        """
        token = await self._acquire(chat_id, burst, lane, urgent)
        try:
            yield
        finally:
            self._release(token, chat_id, lane)

    def share(self) -> float:
        """The share of the limit allowed now: below 1 after a 429, back to 1 within RECOVER."""
        now = self.now()
        if now < self._paused_until:
            return self._low
        grown = (now - self._paused_until) / self.recover if self.recover > 0 else 1.0
        return min(1.0, self._low + (1.0 - self._low) * grown)

    def pause(self, seconds: float, chat_id: int | None = None) -> bool:
        """Telegram said 429: hold this chat, or (a flood) everybody; True if everybody."""
        now = self.now()
        if chat_id is not None and not self._flood(chat_id, now):
            self._held[chat_id] = max(self._held.get(chat_id, 0.0), now + seconds)
            return False
        if now >= self._paused_until:  # once per pause, however many answers said so
            self._low = max(SLOWEST, self.share() * SLOWER)
        self._paused_until = max(self._paused_until, now + seconds)
        self._next = max(self._next, self._paused_until)
        return True

    def pause_left(self, chat_id: int | None = None) -> float:
        """Seconds until a 429 pause (of everybody, or of this chat) ends; 0 when not paused."""
        held = self._held.get(chat_id, 0.0) if chat_id is not None else 0.0
        return max(0.0, max(self._paused_until, held) - self.now())

    def _flood(self, chat_id: int, now: float) -> bool:
        """Whether a chat's 429 is part of a flood of the whole bot (or only that chat's)."""
        self._floods = {c: t for c, t in self._floods.items() if now - t < self.window}
        flood = now < self._paused_until or any(c != chat_id for c in self._floods)
        self._floods[chat_id] = now
        return flood

    def _chat_wait(self, chat_id: int | None, burst: int, lane: str, now: float) -> float | None:
        """0 if the chat may send now, seconds to wait, or None while its last send is in flight."""
        if chat_id is None:
            return 0.0
        if chat_id in self._busy:
            return None
        due = self._due.get((chat_id, lane), 0.0) - (burst - 1) * self.per_chat
        wait = max(self._held.get(chat_id, 0.0), due) - now
        return wait if wait > TICK else 0.0

    def _global_wait(self, now: float) -> float | None:
        """0 if a request may start now, seconds to wait, or None until an answer comes."""
        if now + TICK < self._paused_until:
            return self._paused_until - now
        if len(self._flying) >= self.max_in_flight:
            return None
        allowed = max(1, int(self.limit * self.share()))
        while self._arrived and self._arrived[0] <= now:
            heapq.heappop(self._arrived)
        wait = self._next - now
        if len(self._flying) + len(self._arrived) >= allowed:
            ends = [start + self.late + self.window for start in self._flying.values()]
            ends = [end for end in ends if end > now] + self._arrived
            if len(ends) >= allowed:  # wait until enough of them can no longer share a second
                wait = max(wait, heapq.nsmallest(len(ends) - allowed + 1, ends)[-1] - now)
        return wait if wait > TICK else 0.0

    async def _wait(self, timeout: float | None) -> None:
        """`timeout` seconds, or (None) until the next answer."""
        if timeout is None:
            await self._freed.wait()
        else:
            await asyncio.sleep(timeout)

    async def _acquire(self, chat_id: int | None, burst: int, lane: str, urgent: bool) -> int:
        while True:
            # First this chat (outside the queue, so one busy chat holds up nobody else) ...
            while (wait := self._chat_wait(chat_id, burst, lane, self.now())) != 0.0:
                await self._wait(wait)
            # ... then the bot's turn: in order of arrival, or at once for urgent requests.
            if urgent:
                token = await self._turn(chat_id, burst, lane, urgent)
            else:
                async with self._queue:
                    token = await self._turn(chat_id, burst, lane, urgent)
            if token is not None:
                return token

    async def _turn(self, chat_id: int | None, burst: int, lane: str, urgent: bool) -> int | None:
        """Wait for the budget; the request's token, or None if its chat must wait again."""
        self._urgent += urgent
        try:
            while (wait := self._global_wait(self.now())) != 0.0 or (self._urgent and not urgent):
                if wait == 0.0:  # an urgent request waits for this very slot: it goes first
                    await self._urgent_gone.wait()
                else:
                    await self._wait(wait)
        finally:
            if urgent:
                self._urgent -= 1
                self._urgent_gone.set()
                self._urgent_gone = asyncio.Event()
        now = self.now()
        if self._chat_wait(chat_id, burst, lane, now) != 0.0:
            return None  # another request to this chat went first: wait again
        token = next(self._tokens)
        self._flying[token] = now
        # Even spacing, measured from the real start; a late start may make up at most half a
        # step, so lateness never turns into a burst.
        spacing = self.window / (self.limit * self.share())
        self._next = max(self._next + spacing, now + spacing / 2)
        if chat_id is not None:
            self._busy.add(chat_id)
        return token

    def _release(self, token: int, chat_id: int | None, lane: str) -> None:
        now = self.now()
        start = self._flying.pop(token)
        self._round_trips.append(now - start)
        both_trips = FASTEST_SHARE * min(self._round_trips)
        arrived = min(now - both_trips, start + self.late)  # on the time line of our starts
        heapq.heappush(self._arrived, arrived + self.window)
        if chat_id is not None:
            self._busy.discard(chat_id)
            key = (chat_id, lane)
            self._due[key] = max(self._due.get(key, 0.0), arrived) + self.per_chat
            if len(self._due) > 10_000:
                self._due = {k: t for k, t in self._due.items() if t > now}
                self._held = {c: t for c, t in self._held.items() if t > now}
        self._freed.set()
        self._freed = asyncio.Event()
