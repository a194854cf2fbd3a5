"""The Pacer against a server that counts arrivals, on virtual time (no wall clock, no sleeping).

The event loop below never blocks: when nothing is ready it jumps its clock to the next timer.
So `asyncio.sleep` and the Pacer's clock (the loop's) run on virtual time, and the tests check
what the Pacer grants, not how fast the machine is.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import selectors
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.simulator.control import RateLimits
from bot.telegram.pacer import IN_FLIGHT, Pacer
from bot.telegram.ratelimit import (
    CONNECTIONS,
    OUTBOX,
    REPLY_BURST,
    UNPACED_AT_ONCE,
    PacedRateLimiter,
    Pacing,
)


class _JumpingSelector(selectors.BaseSelector):
    """Never waits for I/O: a wait of `timeout` seconds moves the loop's clock instead."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        self.loop = loop
        self._map: dict[Any, selectors.SelectorKey] = {}

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        key = selectors.SelectorKey(fileobj, fileobj, events, data)
        self._map[fileobj] = key
        return key

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._map.pop(fileobj)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            raise RuntimeError("deadlock: every task waits and no timer is due")
        self.loop.virtual += max(0.0, timeout)
        return []

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._map

    def close(self) -> None:
        self._map.clear()


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop on virtual time."""

    def __init__(self) -> None:
        self.virtual = 1000.0
        super().__init__(_JumpingSelector(self))

    def time(self) -> float:
        return self.virtual


def run_virtual(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        runner.run(main())


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best


class Telegram:
    """The server side of the virtual network: counts arrivals like Telegram (`RateLimits`)."""

    def __init__(self, per_chat_burst: int = 1) -> None:
        self.limits = RateLimits(clock=asyncio.get_running_loop().time)
        self.limits.configure(30, 1, per_chat_burst=per_chat_burst)
        self.arrivals: list[float] = []
        self.per_chat: dict[int, list[float]] = {}
        self.rejected = 0
        self.storm_until = 0.0  # until then every request is answered 429 (retry after 1 s)

    async def request(self, chat_id: int, there: float, server: float, back: float) -> bool:
        """One request: `there` on the way, `server` at Telegram after arriving, `back`."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(there)
        if loop.time() < self.storm_until:
            await asyncio.sleep(back)
            raise RetryAfter(1)
        if self.limits.check(chat_id) is not None:
            self.rejected += 1
        self.arrivals.append(loop.time())
        self.per_chat.setdefault(chat_id, []).append(loop.time())
        await asyncio.sleep(server + back)
        return True


def test_no_second_sees_more_arrivals_than_the_limit_whatever_the_jitter() -> None:
    """Requests arrive 0-80 ms after they start and are answered 0-80 ms later: still ≤ 30/s."""
    rng = random.Random(4)

    async def main() -> None:
        loop, pacer, telegram = asyncio.get_running_loop(), Pacer(per_second=30), Telegram()

        async def send(chat_id: int) -> None:
            async with pacer.slot(chat_id):
                there = rng.choice([0.0, 0.001, 0.005, 0.08]) * rng.random()
                await telegram.request(
                    chat_id, there, 0, rng.choice([0.0, 0.002, 0.08]) * rng.random()
                )

        # 600 copies to 300 chats (two each, so the per-chat limit matters too), all at once.
        started = loop.time()
        await asyncio.gather(*(send(i % 300) for i in range(600)))
        assert telegram.rejected == 0
        assert 600 / (loop.time() - started) > 27  # even with that much jitter, near the limit
        assert len(telegram.arrivals) == 600 and _max_in_window(telegram.arrivals, 1.0) <= 30
        assert all(_max_in_window(t, 1.0) == 1 for t in telegram.per_chat.values())

    run_virtual(main)


def test_100_ms_round_trips_keep_nearly_30_per_second() -> None:
    """Telegram 50 ms away each way: the pace stays above 29/s (was 30/1.1 = 27/s), no 429."""

    async def main() -> None:
        pacer, telegram = Pacer(per_second=30), Telegram()

        async def send(chat_id: int) -> None:
            async with pacer.slot(chat_id):
                await telegram.request(chat_id, 0.05, 0.0, 0.05)

        await asyncio.gather(*(send(i) for i in range(900)))
        first, last = telegram.arrivals[0], telegram.arrivals[-1]
        assert telegram.rejected == 0 and _max_in_window(telegram.arrivals, 1.0) <= 30
        assert 899 / (last - first) >= 29.0

    run_virtual(main)


def test_slow_answers_do_not_slow_the_pace_down() -> None:
    """30% of the answers take 0.2-2.5 s at Telegram (after the message arrived): still ≥ 26/s."""
    rng = random.Random(7)

    async def main() -> None:
        pacer, telegram = Pacer(per_second=30), Telegram()

        async def send(chat_id: int) -> None:
            server = rng.uniform(0.2, 2.5) if rng.random() < 0.3 else 0.0
            async with pacer.slot(chat_id):
                await telegram.request(chat_id, 0.05, server, 0.05)

        await asyncio.gather(*(send(i) for i in range(900)))
        first, last = telegram.arrivals[0], telegram.arrivals[-1]
        assert telegram.rejected == 0 and _max_in_window(telegram.arrivals, 1.0) <= 30
        assert 899 / (last - first) >= 26.0  # at most 8 in flight and 1 s after each: 18/s

    run_virtual(main)


def test_slots_are_evenly_spaced_with_no_burst_after_a_pause() -> None:
    """After a 429 nobody starts before retry_after, then sends resume one step apart."""
    starts: list[float] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        pacer = Pacer(per_second=20)

        async def send(chat_id: int) -> None:
            async with pacer.slot(chat_id):
                starts.append(loop.time())
                if chat_id == 10:
                    assert pacer.pause(2.0)  # no chat: everybody waits

        await asyncio.gather(*(send(i) for i in range(40)))

    run_virtual(main)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / 20 / 2 - 1e-9  # never closer than half a step
    assert max(gaps) >= 2.0  # the pause was kept
    # Right after the pause the rate is lower (15/s instead of 20/s), and no burst follows.
    assert starts[12] - starts[11] >= 1 / 15 - 1e-9
    assert all(b - a >= 1 / 20 - 1e-9 for a, b in itertools.pairwise(starts[12:]))


def test_after_a_40_second_storm_the_full_rate_is_back_within_10_seconds() -> None:
    """Telegram answers 429 to everything for 40 s; then 600 copies go out in ~25 s, not ~170 s."""
    done: list[float] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        pacer, telegram = Pacer(per_second=30), Telegram()
        limiter = PacedRateLimiter(pacer)
        storm_end = loop.time() + 40
        telegram.storm_until = storm_end

        async def send(chat_id: int) -> None:
            for _ in range(100):  # the outbox retries a 429 itself, through the Pacer
                try:
                    await limiter.process_request(
                        telegram.request, (chat_id, 0.05, 0.0, 0.05), {}, "sendMessage",
                        {"chat_id": chat_id}, OUTBOX,
                    )  # fmt: skip
                    done.append(loop.time() - storm_end)
                    return
                except RetryAfter:
                    continue

        await asyncio.gather(*(send(i) for i in range(600)))
        assert pacer.share() == 1.0
        assert telegram.rejected == 0

    run_virtual(main)
    assert 20 < max(done) < 26
    assert len([t for t in done if 10 < t <= 15]) >= 5 * 29  # back at the full rate after 10 s


def test_a_429_on_one_chat_holds_only_that_chat() -> None:
    """Telegram's per-chat flood limit: Tom's chat waits out retry_after, everyone else goes on.
    A 429 on a second chat within the same second is a flood of the whole bot: everybody waits."""
    starts: dict[int, float] = {}

    async def main() -> None:
        loop = asyncio.get_running_loop()
        pacer = Pacer(per_second=30)
        t0 = loop.time()
        assert not pacer.pause(5.0, chat_id=1)  # Tom's chat only
        assert pacer.pause_left(1) == 5.0 and pacer.pause_left(2) == 0.0 == pacer.pause_left()

        async def send(chat_id: int) -> None:
            async with pacer.slot(chat_id, lane="reply", burst=20, urgent=True):
                starts[chat_id] = loop.time() - t0

        await asyncio.gather(*(send(i) for i in range(1, 11)))
        assert starts[1] >= 5.0 and max(t for c, t in starts.items() if c != 1) < 0.5
        await asyncio.sleep(3)
        assert not pacer.pause(2.0, chat_id=3)  # one chat again: only that chat
        assert pacer.pause(2.0, chat_id=4)  # a second chat within a second: everybody
        assert pacer.pause_left() == 2.0 and pacer.share() < 1.0

    run_virtual(main)


def test_replies_may_come_in_a_burst_the_outbox_keeps_to_one_a_second() -> None:
    """Five replies to one parent go at once; an invitation's four pieces to another parent: three
    at once, the fourth a second later, which a server tolerating bursts of 3 accepts."""
    replies: list[float] = []

    async def main() -> None:
        loop, pacer, telegram = asyncio.get_running_loop(), Pacer(per_second=30), Telegram(3)
        t0 = loop.time()
        for _ in range(5):
            async with pacer.slot(7, burst=REPLY_BURST, lane="reply", urgent=True):
                replies.append(loop.time() - t0)
        for _ in range(4):  # one copy's pieces, one after the other
            async with pacer.slot(8, burst=OUTBOX.burst):
                await telegram.request(8, 0.01, 0.0, 0.01)
        pieces = telegram.per_chat[8]
        assert telegram.rejected == 0
        assert pieces[2] - pieces[0] < 0.5 and pieces[3] - pieces[0] >= 1.0

    run_virtual(main)
    assert replies[-1] < 0.5


def test_a_reply_does_not_queue_behind_the_outbox() -> None:
    """100 copies wait for their turn; a parent's reply meanwhile gets the very next slot."""
    granted: list[int] = []
    asked: list[int] = []

    async def main() -> None:
        pacer = Pacer(per_second=30)

        async def send(chat_id: int, urgent: bool) -> None:
            lane = "reply" if urgent else ""
            async with pacer.slot(chat_id, burst=3, lane=lane, urgent=urgent):
                granted.append(chat_id)
                await asyncio.sleep(0.01)

        outbox = [asyncio.create_task(send(i, False)) for i in range(100)]
        for parent in range(1000, 1010):
            await asyncio.sleep(0.3)
            asked.append(len(granted))
            await send(parent, True)
        assert not all(task.done() for task in outbox)  # the replies came during the broadcast
        await asyncio.gather(*outbox)

    run_virtual(main)
    assert [granted[at] for at in asked] == list(range(1000, 1010))


def test_the_outbox_pacing_reaches_the_rate_limiter_through_ptb() -> None:
    """PTB drops a falsy rate_limit_args (the old 0); `OUTBOX` gets through, so edits and deletions
    of the outbox are paced per chat, while edits of a pressed message stay interactive."""
    assert ExtBot._merge_api_rl_kwargs(None, 0) is None  # type: ignore[misc]  # why 0 never arrived
    merged = ExtBot._merge_api_rl_kwargs(None, OUTBOX)  # type: ignore[misc]
    assert merged is not None and ExtBot._extract_rl_kwargs(merged) is OUTBOX  # type: ignore[misc]
    starts: dict[str, list[float]] = {}

    async def main() -> None:
        loop = asyncio.get_running_loop()
        limiter = PacedRateLimiter(Pacer(per_second=30))

        async def callback(endpoint: str) -> bool:
            starts.setdefault(endpoint, []).append(loop.time())
            return True

        async def call(endpoint: str, chat_id: int, pacing: Pacing | None) -> None:
            data = {"chat_id": chat_id, "message_id": 1}
            await limiter.process_request(callback, (endpoint,), {}, endpoint, data, pacing)

        # 60 copies edited (the outbox), and 60 presses editing the pressed message.
        await asyncio.gather(*(call("editMessageText", i, OUTBOX) for i in range(60)))
        await asyncio.gather(*(call("editMessageReplyMarkup", i, None) for i in range(60)))
        await asyncio.gather(*(call("deleteMessage", 5, OUTBOX) for _ in range(5)))

    run_virtual(main)
    assert _max_in_window(starts["editMessageText"], 1.0) <= 30
    assert starts["editMessageReplyMarkup"][-1] - starts["editMessageReplyMarkup"][0] < 0.01
    deletions = starts["deleteMessage"]  # five deletions in one chat: three at once, then 1/s
    assert deletions[2] - deletions[0] < 0.5 and deletions[4] - deletions[2] >= 1.9


def test_the_rate_limiter_keeps_within_its_connections() -> None:
    """Paced requests in flight stay within IN_FLIGHT, unpaced ones within UNPACED_AT_ONCE, so
    together they never wait for one of the CONNECTIONS pooled connections."""
    busy: dict[bool, int] = {True: 0, False: 0}
    most: dict[bool, int] = {True: 0, False: 0}

    async def main() -> None:
        limiter = PacedRateLimiter(Pacer(per_second=1000))

        async def callback(paced: bool) -> bool:
            busy[paced] += 1
            most[paced] = max(most[paced], busy[paced])
            await asyncio.sleep(0.5)
            busy[paced] -= 1
            return True

        await asyncio.gather(
            *(
                limiter.process_request(callback, (True,), {}, "sendMessage", {"chat_id": i}, None)
                for i in range(3 * IN_FLIGHT)
            ),
            *(
                limiter.process_request(callback, (False,), {}, "answerCallbackQuery", {}, None)
                for _ in range(3 * UNPACED_AT_ONCE)
            ),
        )

    run_virtual(main)
    assert most == {True: IN_FLIGHT, False: UNPACED_AT_ONCE}
    assert IN_FLIGHT + UNPACED_AT_ONCE == CONNECTIONS
