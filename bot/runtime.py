"""Running bots inside an event loop: one school (demo, tests) or every school of the installation."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from bot.app import BotApp, build_application
from bot.cluster.coordinator import Coordinator, SchoolRunner
from bot.cluster.fence import Fence
from bot.core.clock import Clock, SystemClock
from bot.core.settings import Settings
from bot.shared import Shared, open_shared

log = logging.getLogger(__name__)
UPDATES = ["message", "callback_query", "edited_message"]
DRAIN_SECONDS = 10.0  # at a handover, how long requests on their way may take to be answered


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


class PollingRunner:
    """Starts and stops the long-polling bots of the schools this process owns (bot/cluster/)."""

    def __init__(self, *, clock: Clock, shared: Shared, poll_timeout: int = 10) -> None:
        self.clock, self.shared, self.poll_timeout = clock, shared, poll_timeout
        self.apps: dict[str, BotApp] = {}  # owned and started schools
        self._stacks: dict[str, AsyncExitStack] = {}
        self._fences: dict[str, Fence] = {}

    async def start(self, school: Settings, fence: Fence) -> None:
        """Build the school's bot behind its fence and start polling; raise on failure."""
        app = build_application(school, clock=self.clock, shared=self.shared, fence=fence)
        stack = AsyncExitStack()
        running_app = running(app, poll_timeout=self.poll_timeout, allowed_updates=UPDATES)
        await stack.enter_async_context(running_app)  # a failure undoes what it started
        self._stacks[school.school_key], self._fences[school.school_key] = stack, fence
        self.apps[school.school_key] = app

    async def stop(self, key: str) -> None:
        """Stop the school's bot; never raises. No new updates first, the handlers finish, then
        the fence closes: copies still waiting for their turn stay in the outbox for the next
        owner, and the requests already on their way get their answer, so none is sent twice."""
        app, stack = self.apps.pop(key, None), self._stacks.pop(key, None)
        fence = self._fences.pop(key, None)
        if stack is None:
            return
        try:
            if app is not None and app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app is not None and app.running:
                await app.stop()
            if fence is not None:
                fence.revoke()
                await fence.drained(DRAIN_SECONDS)
            await stack.aclose()
        except Exception:
            log.exception("%s did not stop cleanly", key)


def process_id() -> str:
    """This process in the cluster: host, pid and a random part (new at every start)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def coordinator_for(
    schools: Sequence[Settings], *, shared: Shared, runner: SchoolRunner, clock: Clock
) -> Coordinator:
    """The Coordinator of this process, with the timing of the settings."""
    first = schools[0]
    return Coordinator(
        schools=schools, sessions=shared.sessions, runner=runner, clock=clock,
        process_id=process_id(), address=first.internal_url,
        lease_seconds=first.lease_seconds, tick=first.cluster_tick,
    )  # fmt: skip


async def serve_schools(schools: Sequence[Settings]) -> None:
    """`ouderbrug run`: this process's share of the schools' bots until Ctrl+C or SIGTERM.

    Several processes on one database share the schools through leases (bot/cluster/); alone,
    one process owns them all after its first tick.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    clock = SystemClock()
    shared = await open_shared(schools[0], clock)
    try:
        coordinator = coordinator_for(
            schools, shared=shared, runner=PollingRunner(clock=clock, shared=shared), clock=clock
        )
        await coordinator.start()
        log.info("process %s: sharing %d school(s)", coordinator.process_id, len(schools))
        try:
            await stop.wait()
            log.info("stopping")
        finally:
            await coordinator.stop()
    finally:
        await shared.close()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
