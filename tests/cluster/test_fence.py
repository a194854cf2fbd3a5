"""A school's bot sends only behind its fence: the real PTB bot, its rate limiter and the fake
Telegram. A late renew makes requests wait (nothing arrives); a lost lease makes them fail."""

from __future__ import annotations

import asyncio

import pytest
from telegram.ext import ExtBot

from bot.cluster.fence import Fence, LeaseLost
from bot.simulator import FakeTelegram
from bot.telegram.pacer import Pacer
from bot.telegram.ratelimit import PacedRateLimiter
from tests.conftest import TOKEN


async def held(fence: Fence) -> None:
    """Until a request waits at the fence (the event loop runs meanwhile)."""
    for _ in range(10_000):
        if fence.waiting:
            return
        await asyncio.sleep(0)
    raise AssertionError("no request reached the fence")


class Ticker:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_requests_wait_while_the_fence_ran_out_and_fail_once_the_lease_is_lost(
    tg: FakeTelegram,
) -> None:
    """Valid: the message goes. Ran out (renew late): it waits, then goes once renewed.
    Revoked (lease lost): it raises LeaseLost and never reaches Telegram."""
    tg.user(7, "Ouder")
    ticker = Ticker()
    fence = Fence("s1", valid_until=105.0, now=ticker)
    bot = ExtBot(TOKEN, base_url=tg.base_url, rate_limiter=PacedRateLimiter(Pacer(), fence=fence))
    async with bot:  # getMe is never fenced
        await bot.send_message(7, "een")
        assert [c["text"] for c in tg.calls("sendMessage")] == ["een"]

        ticker.now = 106.0  # the owner did not renew in time
        late = asyncio.create_task(bot.send_message(7, "twee"))
        await held(fence)
        assert not late.done() and len(tg.calls("sendMessage")) == 1
        fence.extend(110.0)  # renewed
        await late
        assert [c["text"] for c in tg.calls("sendMessage")] == ["een", "twee"]

        ticker.now = 111.0
        waiting = asyncio.create_task(bot.send_message(7, "drie"))
        await held(fence)
        fence.revoke()  # another process took the school over
        with pytest.raises(LeaseLost):
            await waiting
        with pytest.raises(LeaseLost):
            await bot.send_message(7, "vier")
    assert [c["text"] for c in tg.calls("sendMessage")] == ["een", "twee"]


def test_a_fence_never_moves_backwards_and_stays_revoked() -> None:
    """An older renew answering late cannot shorten it; after revoke nothing extends it."""
    ticker = Ticker()
    fence = Fence("s1", now=ticker)
    assert not fence.valid()
    fence.extend(110.0)
    fence.extend(104.0)
    assert fence.valid() and fence.left() == 10.0
    fence.revoke()
    fence.extend(200.0)
    assert not fence.valid() and fence.left() == 0.0
