"""Running bots inside an event loop: one school (demo, tests) or every school of the installation."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from bot.app import BotApp, build_application
from bot.core.clock import Clock, SystemClock
from bot.core.settings import Settings
from bot.shared import Shared, open_shared

log = logging.getLogger(__name__)
UPDATES = ["message", "callback_query", "edited_message"]


@asynccontextmanager
async def running(
    app: BotApp, *, poll_timeout: int = 10, allowed_updates: list[str] | None = None
) -> AsyncIterator[BotApp]:
    """Initialise, run post_init, start long polling; undo it all on exit."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=allowed_updates
        )
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
    finally:
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()


@asynccontextmanager
async def running_schools(
    schools: Sequence[Settings], *, clock: Clock | None = None, poll_timeout: int = 10
) -> AsyncIterator[list[BotApp]]:
    """One bot per school in this process, sharing one database engine and one translator.

    Each bot polls with its own token and paces its own requests; on exit all stop, then the
    shared services close.
    """
    clock = clock or SystemClock()
    shared = await open_shared(schools[0], clock)
    try:
        async with AsyncExitStack() as stack:
            apps = build_applications(schools, clock=clock, shared=shared)
            for app in apps:
                await stack.enter_async_context(
                    running(app, poll_timeout=poll_timeout, allowed_updates=UPDATES)
                )
            yield apps
    finally:
        await shared.close()


def build_applications(
    schools: Sequence[Settings], *, clock: Clock, shared: Shared, webhook: bool = False
) -> list[BotApp]:
    """One bot per school, all on the same shared services (polling, or fed by the webhook
    server when `webhook`)."""
    return [
        build_application(school, clock=clock, shared=shared, webhook=webhook) for school in schools
    ]


async def serve_schools(schools: Sequence[Settings]) -> None:
    """`ouderbrug run`: every school's bot until Ctrl+C or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with running_schools(schools) as apps:
            names = ", ".join(
                f"{app.bot_data.settings.school_key} (@{app.bot.username})" for app in apps
            )
            log.info("serving %d school(s): %s", len(apps), names)
            await stop.wait()
            log.info("stopping")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
