"""Each `ouderbrug run` keeps its fair share of the schools: a `Coordinator` per process.

Every tick (OUDERBRUG_CLUSTER_TICK) it says it is alive and renews the leases it holds (one
statement); a lease it could not renew is lost: the school's fence is revoked at once (nothing
more is sent for that bot) and its bot stopped. Then, beside the renewals (a slow start never
delays them), it compares what it holds with its fair share, ceil(schools / live processes):
above it, it stops a school's bot fully and only then gives the lease back; below it, it takes
free leases (no owner, or run out) and starts their bots. A new process says it is alive and
waits one tick before taking anything, so processes started together see each other. On stop it
leaves (takes no more), stops every bot and gives every lease back; a killed process's leases run
out and the others take its schools over within lease_seconds + one tick.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from bot.cluster import leases
from bot.cluster.fence import FENCE_MARGIN, Fence
from bot.core.clock import Clock
from bot.core.db import SessionFactory
from bot.core.settings import Settings

if TYPE_CHECKING:
    from bot.app import BotApp

log = logging.getLogger(__name__)
STEP_PARTS = 4  # schools taken per tick: at most a quarter of the fair share
MAX_BACKOFF_TICKS = 64  # a school that keeps failing to start is tried again at most this late


class SchoolRunner(Protocol):
    """Starts and stops the bots of the schools this process owns (polling or webhook)."""

    apps: dict[str, BotApp]  # live view: owned and started schools (key -> app)

    async def start(self, school: Settings, fence: Fence) -> None:
        """Build and start the school's bot; raise on failure."""

    async def stop(self, key: str) -> None:
        """Stop the school's bot fully; never raises."""


class Coordinator:
    """Holds this process's leases and runs the bots of the schools it owns."""

    def __init__(
        self,
        *,
        schools: Sequence[Settings],
        sessions: SessionFactory,
        runner: SchoolRunner,
        clock: Clock,
        process_id: str,
        address: str | None,
        lease_seconds: float,
        tick: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.schools = {school.school_key: school for school in schools}
        self.sessions, self.runner, self.clock = sessions, runner, clock
        self.process_id, self.address = process_id, address
        self.lease_seconds, self.tick = lease_seconds, tick
        self.takeovers = 0  # schools taken over from another process whose lease ran out
        self.fences: dict[str, Fence] = {}
        # Sending stops this long before the database lets another process take over: a third
        # of a lease at most (short leases still leave time to send), so at least 1 s with the
        # settings' shortest lease (3 s): the two owners' seconds of budget never overlap.
        self.margin = min(FENCE_MARGIN, lease_seconds / 3)
        self._monotonic = monotonic
        self._held: dict[str, int] = {}  # key -> epoch
        self._live = 0
        self._ticks = 0
        self._closing = False
        self._locks = {key: asyncio.Lock() for key in self.schools}
        self._failures: dict[str, tuple[int, int]] = {}  # key -> (failures, tick of the last)
        self._loop: asyncio.Task[None] | None = None
        self._manager: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()

    # read-only view ----------------------------------------------------------------------
    def owned(self) -> dict[str, int]:
        """The schools whose lease this process holds (key -> epoch)."""
        return dict(self._held)

    def live(self) -> int:
        """Processes alive at the last tick (this one included)."""
        return self._live

    # lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Create missing lease rows, say this process is alive, then tick in the background."""
        async with self.sessions() as session:
            await leases.ensure_leases(session, keys=list(self.schools))
        await self._renew_round()
        self._loop = asyncio.create_task(self._run(), name="cluster-coordinator")

    async def stop(self) -> None:
        """Leave: take nothing more, stop every school's bot, give every lease back."""
        self._closing = True
        try:
            async with self.sessions() as session:
                await leases.leaving(session, process_id=self.process_id)
        except Exception:
            log.exception("could not say this process is leaving")
        if self._manager is not None:
            await asyncio.gather(self._manager, return_exceptions=True)
        await asyncio.gather(*(self._give_up(key) for key in list(self._held)))
        await asyncio.gather(*list(self._background), return_exceptions=True)
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        log.info("left the cluster: every school given back")

    async def tick_once(self) -> None:
        """One tick, waiting for its rebalancing to finish (the loop does this; tests too)."""
        await self._renew_round()
        if not self._closing:
            await self._manage()

    # the tick ------------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            try:
                await self._renew_round()
            except Exception:  # the database is away: the fences run out by themselves
                log.exception("could not renew the leases")
                continue
            if not self._closing and (self._manager is None or self._manager.done()):
                self._manager = asyncio.create_task(self._rebalance(), name="cluster-rebalance")

    async def _rebalance(self) -> None:
        try:
            await self._manage()
        except Exception:  # the database is away: the next tick tries again
            log.exception("could not rebalance the schools")

    async def _renew_round(self) -> None:
        """Heartbeat and renew what is held; a lease not renewed is lost at once."""
        self._ticks += 1
        held = dict(self._held)
        async with self.sessions() as session:
            # Before the database's time is read: the lease (from that time on) surely lasts
            # until started + lease_seconds, so the fence ends `margin` before it does.
            started = self._monotonic()
            now = await leases.database_now(session, clock=self.clock)
            await leases.heartbeat(
                session, process_id=self.process_id, address=self.address, now=now
            )
            renewed = await leases.renew(
                session, held=held, process_id=self.process_id, now=now,
                lease_seconds=self.lease_seconds,
            )  # fmt: skip
            live = await leases.live_processes(session, now=now, lease_seconds=self.lease_seconds)
            if self._ticks % 1000 == 1:
                await leases.forget_old_processes(session, now=now)
        self._live = len(live) + (0 if self.process_id in live or self._closing else 1)
        for key in held:
            if key in renewed:
                self.fences[key].extend(started + self.lease_seconds - self.margin)
            elif self._held.get(key) == held[key]:
                log.warning("lost the lease of %s: stopping its bot", key)
                self._held.pop(key, None)
                self.fences[key].revoke()
                self._spawn(self._stop_bot(key))

    async def _manage(self) -> None:
        """Give back what is above the fair share, take free schools up to it."""
        if self._ticks < 2:
            return  # registered one tick ago at most: others starting now may not be seen yet
        fair = math.ceil(len(self.schools) / max(1, self._live))
        extra = len(self._held) - fair
        if extra > 0:
            for key in sorted(self._held)[-extra:]:
                log.info(
                    "giving %s back (fair share %d of %d schools)", key, fair, len(self.schools)
                )
                await self._give_up(key)
            return
        if extra < 0:
            # A quarter of the fair share per tick at most: processes started a few seconds apart
            # (imports, models) then share the schools as they come, instead of the first one
            # starting every bot and handing most of them back a moment later.
            await self._take(min(-extra, math.ceil(fair / STEP_PARTS)))

    async def _take(self, wanted: int) -> None:
        """Acquire up to `wanted` free schools and start their bots (side by side)."""
        async with self.sessions() as session:
            now = await leases.database_now(session, clock=self.clock)
            free = await leases.free_leases(session, keys=list(self.schools), now=now)
        candidates = [key for key in free if key not in self._held and self._may_try(key)]
        random.shuffle(candidates)  # processes starting together rarely want the same ones
        starts: list[Coroutine[Any, Any, None]] = []
        for key in candidates:
            if len(starts) >= wanted or self._closing:
                break
            async with self.sessions() as session:
                started = self._monotonic()  # before the database's time (see _renew_round)
                now = await leases.database_now(session, clock=self.clock)
                epoch = await leases.acquire(
                    session, key=key, process_id=self.process_id, now=now,
                    lease_seconds=self.lease_seconds,
                )  # fmt: skip
            if epoch is None:
                continue  # another process was quicker
            fence = Fence(key, now=self._monotonic)
            fence.extend(started + self.lease_seconds - self.margin)
            self.fences[key] = fence
            self._held[key] = epoch
            if free[key] is not None and free[key] != self.process_id:
                self.takeovers += 1
                log.warning("took %s over from %s (its lease ran out)", key, free[key])
            starts.append(self._start_bot(key, epoch))
        await asyncio.gather(*starts)

    def _may_try(self, key: str) -> bool:
        """False while a school that failed to start waits before its next try."""
        failures, last = self._failures.get(key, (0, 0))
        return not failures or self._ticks - last >= min(2**failures, MAX_BACKOFF_TICKS)

    async def _start_bot(self, key: str, epoch: int) -> None:
        """Start the school's bot; on failure stop what started and give the lease back."""
        try:
            async with self._locks[key]:
                if self._held.get(key) != epoch:
                    return  # lost before it could start
                await self.runner.start(self.schools[key], self.fences[key])
            self._failures.pop(key, None)
            log.info("serving %s (epoch %d)", key, epoch)
        except Exception:
            failures = self._failures.get(key, (0, 0))[0] + 1
            self._failures[key] = (failures, self._ticks)
            log.exception("%s could not start; giving it back, to be tried again later", key)
            await self._give_up(key)

    async def _give_up(self, key: str) -> None:
        """Stop the school's bot fully FIRST, then revoke its fence and release its lease."""
        epoch = self._held.get(key)
        await self._stop_bot(key)
        self.fences[key].revoke()
        if epoch is None or self._held.get(key) != epoch:
            return  # lost meanwhile: nothing to release
        self._held.pop(key, None)
        try:
            async with self.sessions() as session:
                now = await leases.database_now(session, clock=self.clock)
                await leases.release(
                    session, key=key, epoch=epoch, process_id=self.process_id, now=now
                )
        except Exception:  # the lease runs out by itself
            log.exception("could not give the lease of %s back", key)

    async def _stop_bot(self, key: str) -> None:
        async with self._locks[key]:
            await self.runner.stop(key)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
