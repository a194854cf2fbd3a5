"""A school's webhook bot stopped by its process: given back, it finishes what it was handed and
marks it handled; lost (its lease taken), it marks nothing more, so the next owner handles it.

The real bot (bot/web/runner.py `WebhookRunner`) runs against the fake Telegram; the updates are
put into the webhook inbox as any process would, and the Feeder hands them over.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlmodel import col, select
from telegram import Update
from telegram.ext import TypeHandler

from bot.cluster import inbox
from bot.cluster.feeder import Feeder
from bot.cluster.fence import Fence
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.models import WebhookUpdate
from bot.shared import Shared, open_shared
from bot.simulator import FakeTelegram
from bot.web.metrics import Metrics
from bot.web.runner import WebhookRunner
from tests.conftest import START
from tests.helpers.waiting import until
from tests.helpers.web import text_update


@dataclass
class Held:
    """The school's bot running here, its handlers held until `go` is set."""

    runner: WebhookRunner
    feeder: Feeder
    fence: Fence
    shared: Shared
    go: asyncio.Event
    started: list[int]


@pytest.fixture
async def held(settings: Settings, clock: ManualClock, tg: FakeTelegram) -> AsyncIterator[Held]:
    """The runner started the school's bot behind a valid fence; every update waits for `go`."""
    shared = await open_shared(settings, clock)
    feeder = Feeder(sessions=shared.sessions, clock=clock)
    runner = WebhookRunner(
        clock=clock, shared=shared, feeder=feeder, metrics=Metrics(),
        server_secret="test-webhook-secret", public_url=tg.base_url.removesuffix("/bot"),
    )  # fmt: skip
    fence = Fence("default", valid_until=time.monotonic() + 3600)
    await runner.start(settings, fence)
    go, started = asyncio.Event(), []

    async def wait_for_go(update: Update, context: object) -> None:
        started.append(update.update_id)
        await go.wait()

    runner.apps["default"].add_handler(TypeHandler(Update, wait_for_go), group=-3)
    await feeder.start()
    try:
        yield Held(runner, feeder, fence, shared, go, started)
    finally:
        go.set()
        await runner.stop_all()
        await feeder.stop()
        await shared.close()


async def three_updates(held: Held, tg: FakeTelegram) -> None:
    """Yusuf's three messages arrive; the first is being handled, the others wait their turn."""
    yusuf = tg.user(4242, "Yusuf")
    async with held.shared.sessions() as session:
        for uid in (1, 2, 3):
            update = text_update(yusuf, uid, f"bericht {uid}", message_id=uid)
            await inbox.store_update(session, school_key="default", update=update, now=START)
    held.feeder.wake("default")
    assert await until(lambda: held.started == [1] and held.feeder.fed == 3)


async def rows(held: Held) -> list[tuple[int, bool, bool]]:
    """(update id, handled, payload kept) of every row."""
    async with held.shared.sessions() as session:
        found = await session.exec(select(WebhookUpdate).order_by(col(WebhookUpdate.update_id)))
        return [(r.update_id, r.handled_at is not None, r.payload is not None) for r in found]


async def test_a_school_given_back_finishes_what_it_was_handed(
    held: Held, tg: FakeTelegram
) -> None:
    """Rebalancing: the bot stops with its lease still held; its three updates are handled and
    marked before the lease is given back."""
    await three_updates(held, tg)
    stopping = asyncio.create_task(held.runner.stop("default"))
    assert await until(lambda: held.feeder.attached() == []), "nothing more is fed"
    held.go.set()
    await stopping
    assert held.started == [1, 2, 3]
    assert await rows(held) == [(1, True, False), (2, True, False), (3, True, False)]


async def test_a_school_whose_lease_is_lost_leaves_its_updates_to_the_next_owner(
    held: Held, tg: FakeTelegram
) -> None:
    """The lease is lost while update 1 is being handled: nothing of it is marked from then on,
    so all three wait in the database for the process that takes the school over."""
    await three_updates(held, tg)
    held.fence.revoke()
    stopping = asyncio.create_task(held.runner.stop("default"))
    assert await until(lambda: held.feeder.attached() == [])
    held.go.set()
    await stopping
    assert await rows(held) == [(1, False, True), (2, False, True), (3, False, True)]
