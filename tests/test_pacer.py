"""The pacer against a simulated clock: even spacing, per-chat limit, pause after a 429."""

from __future__ import annotations

import asyncio
import itertools

from bot.pacer import Pacer


class FakeTime:
    """A clock that moves only when the pacer sleeps (plus a little scheduling jitter)."""

    def __init__(self) -> None:
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + 0.002  # wake-ups are always a little late
        await asyncio.sleep(0)


def busiest_second(grants: list[float]) -> int:
    """The most grants in any sliding one-second window."""
    return max(sum(1 for t in grants if start <= t < start + 1.0) for start in grants)


async def test_sends_are_spaced_and_never_burst() -> None:
    """3,000 sends to different chats: never more than Telegram's 30 in any second, yet ~29 per second."""
    fake = FakeTime()
    pacer = Pacer(29.0, clock=fake.clock, sleep=fake.sleep)
    grants = []
    for chat in range(3000):
        await pacer.slot(chat)
        grants.append(fake.now)
    assert busiest_second(grants) <= 30
    assert min(b - a for a, b in itertools.pairwise(grants)) > 0.03
    assert min(b - a for a, b in itertools.pairwise(grants)) > 0.03  # no bursts
    assert 3000 / (grants[-1] - grants[0]) > 28.5


async def test_one_message_per_second_per_chat_and_a_pause_after_429() -> None:
    """Three sends to one chat are a second apart; after a 429 of 2 s nobody sends before it ends."""
    fake = FakeTime()
    pacer = Pacer(29.0, clock=fake.clock, sleep=fake.sleep)
    times = []
    for _ in range(3):
        await pacer.slot(7)
        times.append(fake.now)
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    pacer.pause(2.0)
    paused_at = fake.now
    await pacer.slot(8)
    assert fake.now >= paused_at + 2.0


async def test_no_burst_after_a_quiet_moment() -> None:
    """After ten quiet seconds the next sends are still spaced, not released at once."""
    fake = FakeTime()
    pacer = Pacer(29.0, clock=fake.clock, sleep=fake.sleep)
    await pacer.slot(1)
    fake.now += 10
    grants = []
    for chat in range(2, 40):
        await pacer.slot(chat)
        grants.append(fake.now)
    assert busiest_second(grants) <= 30
    assert min(b - a for a, b in itertools.pairwise(grants)) > 0.03
