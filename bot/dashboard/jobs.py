"""Nightly: the dashboard's old login rows and expired sessions are deleted."""

from __future__ import annotations

import logging
from datetime import time
from functools import partial

from bot.dashboard.auth import purge
from bot.telegram.context import BotData

log = logging.getLogger(__name__)
PURGE_AT = time(3, 20)


def schedule(services: BotData) -> None:
    """Register the nightly purge (again at every start-up)."""
    if services.scheduler is not None:
        services.scheduler.daily(
            "dashboard-purge", PURGE_AT, services.settings.tz, partial(purge_old, services)
        )


async def purge_old(services: BotData) -> int:
    """Delete login rows older than an hour and sessions that have expired."""
    async with services.sessions() as session:
        deleted = await purge(session, now=services.clock.now())
    log.info("dashboard: %s old login and session rows deleted", deleted)
    return deleted
