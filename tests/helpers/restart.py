"""Stopping the bot the way an update or a crash would, and starting a fresh one on the same data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import BotApp, build_application
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.runtime import running


async def stop(app: BotApp) -> None:
    """Stop polling, the sender and the scheduler; the fixture's teardown then has nothing to do."""
    assert app.updater is not None
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
        app.post_shutdown = None


@asynccontextmanager
async def restarted(app: BotApp, settings: Settings, clock: ManualClock) -> AsyncIterator[BotApp]:
    """The same bot, stopped and started again: only the database carries over."""
    await stop(app)
    async with running(build_application(settings, clock=clock), poll_timeout=5) as fresh:
        yield fresh
