"""Work at a later time: scheduled announcements, reminders, closing dates.

The database is the source of truth for what is due; this module only fires it. Each owner
registers its due times with `at(key, when, action)` (again at every start-up, from the
database), and APScheduler, through python-telegram-bot's JobQueue, calls the action when the
injected clock says the time has come. With a manual clock (tests, demo) `poke()` fires
whatever became due after the clock was moved, through the same APScheduler jobs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import CallbackContext, JobQueue

from bot.core.clock import Clock

log = logging.getLogger(__name__)
Action = Callable[[], Awaitable[object]]
RECHECK = 3600.0  # a far-away job is re-armed at least hourly, so clock changes are noticed


@dataclass(frozen=True)
class Due:
    """What a job does, and when (by the injected clock)."""

    when: datetime
    action: Action


class Scheduler:
    """Runs `action` at `when`, once per key; re-registering a key replaces it."""

    def __init__(self, job_queue: JobQueue[Any], clock: Clock) -> None:
        self.job_queue = job_queue
        self.clock = clock
        self.runs: dict[str, int] = {}  # how often each key ran (and was re-armed, if daily)
        self._ran = asyncio.Condition()

    def at(self, key: str, when: datetime, action: Action) -> None:
        """Run `action` when the clock reaches `when` (at once if that has passed)."""
        self.cancel(key)
        self._arm(key, Due(when, action))

    def daily(
        self, key: str, at: time, tz: ZoneInfo, action: Action, *, after: datetime | None = None
    ) -> None:
        """Run `action` every day at `at` (school time), from the first occurrence after `after`.

        A run that was missed by less than an hour (a busy moment, a clock moved by a test) still
        happens; after a longer outage the job resumes at its next occurrence, without catch-up.
        """
        now = self.clock.now()
        start = after if after is not None and after > now - timedelta(hours=1) else now
        local = start.astimezone(tz)
        when = datetime.combine(local.date(), at, tzinfo=tz)
        if when <= local:
            when = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)

        async def run_and_rearm() -> None:
            try:
                await action()
            finally:
                self.daily(key, at, tz, action, after=when.astimezone(UTC))

        self.at(key, when.astimezone(UTC), run_and_rearm)

    def cancel(self, key: str) -> None:
        """Forget a registered job (nothing happens if there is none)."""
        for job in self.job_queue.get_jobs_by_name(key):
            job.schedule_removal()

    def pending(self) -> dict[str, datetime]:
        """Registered keys and their due times."""
        return {
            job.name: job.data.when
            for job in self.job_queue.jobs()
            if job.name and isinstance(job.data, Due) and not job.removed
        }

    async def ran(self, key: str, times: int) -> None:
        """Wait until `key` has run `times` times in all (tests and the demo wait on this)."""
        async with self._ran:
            await self._ran.wait_for(lambda: self.runs.get(key, 0) >= times)

    def poke(self) -> None:
        """The clock moved: let APScheduler run every job that is now due."""
        now = self.clock.now()
        for job in self.job_queue.jobs():
            if isinstance(job.data, Due) and job.data.when <= now and not job.removed:
                job.job.modify(next_run_time=datetime.now(job.job.next_run_time.tzinfo))

    def _arm(self, key: str, due: Due) -> None:
        delay = (due.when - self.clock.now()).total_seconds()
        self.job_queue.run_once(
            self._fire,
            when=timedelta(seconds=min(max(delay, 0.0), RECHECK)),
            data=due,
            name=key,
            # APScheduler drops a run that starts more than 1 s late by default: a busy moment
            # (a long translation batch, a slow disk) must delay a reminder, never lose it.
            job_kwargs={"misfire_grace_time": None},
        )

    async def _fire(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        job = context.job
        assert job is not None and isinstance(job.data, Due) and job.name is not None
        if job.data.when > self.clock.now():  # woke early (long wait, or a clock set back)
            self._arm(job.name, job.data)
            return
        try:
            await job.data.action()
        except Exception:
            log.exception("scheduled job %s failed", job.name)
        async with self._ran:
            self.runs[job.name] = self.runs.get(job.name, 0) + 1
            self._ran.notify_all()
