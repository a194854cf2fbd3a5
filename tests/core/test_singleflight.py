"""Identical requests at the same moment share one piece of work (bot/core/singleflight.py)."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.singleflight import SingleFlight


async def test_two_identical_requests_share_one_piece_of_work() -> None:
    flight: SingleFlight[str] = SingleFlight()
    release = asyncio.Event()
    calls: list[str] = []
    joined: list[bool] = []

    async def work() -> str:
        calls.append("worked")
        await release.wait()
        return "merhaba"

    first = asyncio.create_task(flight.run("tr:hallo", work))
    await asyncio.sleep(0)  # the first call is now waiting inside work()
    second = asyncio.create_task(flight.run("tr:hallo", work, joined=lambda: joined.append(True)))
    other = asyncio.create_task(flight.run("ar:hallo", work))
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(first, second, other) == ["merhaba"] * 3
    assert calls == ["worked", "worked"]  # once for tr, once for ar
    assert joined == [True]


async def test_a_failure_reaches_every_waiter_and_the_next_request_tries_again() -> None:
    flight: SingleFlight[str] = SingleFlight()
    release = asyncio.Event()

    async def broken() -> str:
        await release.wait()
        raise RuntimeError("model folder gone")

    first = asyncio.create_task(flight.run("k", broken))
    await asyncio.sleep(0)
    second = asyncio.create_task(flight.run("k", broken))
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert [str(r) for r in results] == ["model folder gone"] * 2

    async def fine() -> str:
        return "ok"

    assert await flight.run("k", fine) == "ok"


async def test_a_waiter_that_gives_up_does_not_cancel_the_work_of_the_others() -> None:
    flight: SingleFlight[str] = SingleFlight()
    release = asyncio.Event()

    async def work() -> str:
        await release.wait()
        return "done"

    first = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0)
    impatient = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    release.set()
    assert await first == "done"
