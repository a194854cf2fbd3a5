"""The webhook side of the Coordinator (bot/cluster/coordinator.py): start and stop a school's bot
when this process gets or gives up the school's lease.

`start`: build the school's bot without an updater (its sends behind the lease's fence), start it,
let the Feeder hand it the school's waiting updates, and point Telegram's webhook at the public
address (the load balancer in front of every process; setting it again is harmless). `stop`: feed
it no more, let it finish what it has (not when the lease is lost: another process may be
handling those updates already, so what did not start stays waiting in the database), stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, overload

from bot.app import BotApp, build_application
from bot.cluster.feeder import Feeder
from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.shared import Shared
from bot.web.metrics import Metrics
from bot.web.webhook import school_secret, set_webhook

if TYPE_CHECKING:
    from bot.cluster.fence import Fence

log = logging.getLogger(__name__)
DRAIN_TIMEOUT = 20.0  # seconds the handlers get, at shutdown, for updates already accepted


class WebhookRunner:
    """Starts and stops the schools' bots this process owns (webhook mode); `apps` is live."""

    def __init__(
        self,
        *,
        clock: Clock,
        shared: Shared,
        feeder: Feeder,
        metrics: Metrics,
        server_secret: str,
        public_url: str,
    ) -> None:
        self.clock = clock
        self.shared = shared
        self.feeder = feeder
        self.metrics = metrics
        self.server_secret = server_secret
        self.public_url = public_url
        self.apps: dict[str, BotApp] = {}
        self._stacks: dict[str, AsyncExitStack] = {}
        self._fences: dict[str, Fence] = {}

    async def start(self, school: Settings, fence: Fence) -> None:
        """Build and start the school's bot, feed it, set its webhook; raise when that fails."""
        key = school.school_key
        app = build_application(
            school, clock=self.clock, shared=self.shared, webhook=True, fence=fence
        )
        self.metrics.count_updates(app, key)
        stack = AsyncExitStack()
        try:
            await stack.enter_async_context(started(app, fence))
            await set_webhook(app, key, school_secret(self.server_secret, key), self.public_url)
        except BaseException:
            await stack.aclose()
            raise
        self._stacks[key], self._fences[key] = stack, fence
        self.apps[key] = app
        self.feeder.attach(key, app)
        log.info("%s: serving its webhook updates here", key)

    async def stop(self, key: str) -> None:
        """Stop the school's bot fully (never raises)."""
        app = self.apps.pop(key, None)
        stack = self._stacks.pop(key, None)
        fence = self._fences.pop(key, None)
        self.feeder.detach(key)
        lost = fence is not None and fence.revoked
        if lost:  # what the bot finishes from now on may be the next owner's: not marked here
            await self._forget(key)
            if app is not None and (dropped := _empty(app)):
                log.warning("%s: lease lost; %s update(s) left to the next owner", key, dropped)
        if stack is not None:
            try:
                await stack.aclose()
            except Exception:
                log.exception("%s: the bot did not stop cleanly", key)
        if not lost:
            await self._forget(key)
        if app is not None:
            log.info("%s: stopped here", key)

    async def _forget(self, key: str) -> None:
        try:
            await self.feeder.forget(key)
        except Exception:
            log.exception("%s: could not write the last handled updates", key)

    async def stop_all(self) -> None:
        """Stop every school's bot (the Coordinator normally does this one by one)."""
        for key in list(self.apps):
            await self.stop(key)


def _empty(app: BotApp) -> int:
    """Take the updates that did not start yet off the bot's queue; how many."""
    dropped = 0
    while not app.update_queue.empty():
        with contextlib.suppress(Exception):
            app.update_queue.get_nowait()
            app.update_queue.task_done()
            dropped += 1
    return dropped


@asynccontextmanager
async def started(app: BotApp, fence: Fence | None = None) -> AsyncIterator[BotApp]:
    """Initialise, run post_init and start one application (no updater); undo it on exit.

    With a `fence` (a lease: bot/cluster/fence.py), once the handlers are done the fence closes
    and the requests on their way get their answer before the outbox stops, so a copy that was
    sent is recorded as sent and the next owner does not send it again (as PollingRunner does).
    """
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        try:
            yield app
        finally:
            await drain(app)
            if app.running:
                await app.stop()
            if fence is not None:
                fence.revoke()
                await fence.drained(DRAIN_TIMEOUT)
    finally:
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()


async def drain(app: BotApp) -> None:
    """Let the handlers finish the updates already accepted (Telegram will not send them again)."""
    waiting = app.update_queue.qsize()
    try:
        async with asyncio.timeout(DRAIN_TIMEOUT):
            await app.update_queue.join()
    except TimeoutError:
        log.error("stopping with %s updates not handled", app.update_queue.qsize())
    else:
        if waiting:
            log.info("handled the %s updates still waiting", waiting)


class LiveApps(Sequence[BotApp]):
    """The bots running now, read at each request (the dashboard's list of schools)."""

    def __init__(self, apps: dict[str, BotApp]) -> None:
        self._apps = apps

    @overload
    def __getitem__(self, index: int) -> BotApp: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[BotApp]: ...
    def __getitem__(self, index: int | slice) -> BotApp | Sequence[BotApp]:
        return list(self._apps.values())[index]

    def __len__(self) -> int:
        return len(self._apps)

    def __iter__(self) -> Iterator[BotApp]:
        return iter(list(self._apps.values()))
