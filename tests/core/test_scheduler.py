"""The scheduler under load: a reminder that falls due while the bot is busy is late, never lost."""

from __future__ import annotations

import asyncio
import time

from bot.demo.school import School


async def test_a_job_due_while_the_event_loop_is_blocked_still_runs(school: School) -> None:
    """A long translation batch blocks the loop for over a second just as a reminder falls due:
    APScheduler's default would skip the run as 'missed'; ours runs it as soon as it can."""
    scheduler = school.app.bot_data.scheduler
    assert scheduler is not None
    done: list[str] = []

    async def remind() -> None:
        done.append("reminder")

    scheduler.at("busy-reminder", school.app.bot_data.clock.now(), remind)
    time.sleep(1.5)  # noqa: ASYNC251 -- the loop is busy, as during a CPU-bound batch
    await asyncio.wait_for(scheduler.ran("busy-reminder", 1), 10)
    assert done == ["reminder"]
