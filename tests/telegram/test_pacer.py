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

from bot.simulator.control import RateLimits
from bot.telegram.pacer import Pacer


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


def test_no_second_sees_more_arrivals_than_the_limit_whatever_the_jitter() -> None:
    """Requests arrive 0-80 ms after they start and are answered 0-80 ms later: still ≤ 30/s."""
    arrivals: list[float] = []
    per_chat: dict[int, list[float]] = {}
    rng = random.Random(4)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        pacer = Pacer(per_second=30)
        server = RateLimits(clock=loop.time)
        server.configure(30, 1)
        rejected = 0

        async def send(chat_id: int) -> None:
            nonlocal rejected
            async with pacer.slot(chat_id):
                await asyncio.sleep(rng.choice([0.0, 0.001, 0.005, 0.08]) * rng.random())
                if server.check(chat_id) is not None:
                    rejected += 1
                arrivals.append(loop.time())
                per_chat.setdefault(chat_id, []).append(loop.time())
                await asyncio.sleep(rng.choice([0.0, 0.002, 0.08]) * rng.random())

        # 600 copies to 300 chats (two each, so the per-chat limit matters too), all at once.
        started = loop.time()
        await asyncio.gather(*(send(i % 300) for i in range(600)))
        elapsed = loop.time() - started
        assert rejected == 0
        # Even with that much jitter the pace stays close to the limit.
        assert 600 / elapsed > 27

    run_virtual(main)
    assert len(arrivals) == 600
    assert _max_in_window(arrivals, 1.0) <= 30
    for times in per_chat.values():
        assert _max_in_window(times, 1.0) == 1


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
                    pacer.pause(2.0)

        await asyncio.gather(*(send(i) for i in range(40)))

    run_virtual(main)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / 20 / 2 - 1e-9  # never closer than half a step
    assert max(gaps) >= 2.0  # the pause was kept
    after = starts[11:]
    # After the pause the budget is a little lower (18/s instead of 20/s), still evenly spaced.
    assert all(b - a >= 1 / 18 - 1e-9 for a, b in itertools.pairwise(after))


def test_budget_grows_back_after_good_sends() -> None:
    async def main() -> None:
        pacer = Pacer(per_second=30)
        async with pacer.slot(1):
            pass
        pacer.pause(1.0)
        assert pacer.allowed == 27
        for i in range(10 * 27):
            async with pacer.slot(100 + i):
                pass
        assert pacer.allowed == 28

    run_virtual(main)


def test_a_chat_waits_for_its_own_answer_but_others_do_not() -> None:
    order: list[tuple[int, float]] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        pacer = Pacer(per_second=1000, per_chat_interval=1.0)

        async def send(chat_id: int, answer_after: float) -> None:
            async with pacer.slot(chat_id):
                order.append((chat_id, loop.time()))
                await asyncio.sleep(answer_after)

        t0 = loop.time()
        await asyncio.gather(send(1, 0.5), send(1, 0.0), send(2, 0.0))
        order[:] = [(c, round(t - t0, 3)) for c, t in order]

    run_virtual(main)
    assert order[0] == (1, 0.0)
    assert next(t for c, t in order if c == 2) < 0.01  # not held up by chat 1
    assert (1, 1.5) in order  # one second after the first answer, not after its start


def test_the_rate_limiter_sends_at_most_connections_requests_at_once() -> None:
    """More concurrent requests than pooled connections would only queue inside httpcore."""
    from bot.telegram.ratelimit import CONNECTIONS, PacedRateLimiter

    busy, most = 0, 0

    async def main() -> None:
        limiter = PacedRateLimiter(Pacer(per_second=1000))

        async def callback() -> bool:
            nonlocal busy, most
            busy += 1
            most = max(most, busy)
            await asyncio.sleep(0.05)
            busy -= 1
            return True

        await asyncio.gather(
            *(
                limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": i}, 0)
                for i in range(5 * CONNECTIONS)
            )
        )

    run_virtual(main)
    assert most == CONNECTIONS
