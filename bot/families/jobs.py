"""Nightly: after the school year's last day, pupils who left (archived) are deleted, with the
families left without pupils and their guardian links and codes (guardians keep their member row)."""

from __future__ import annotations

import logging
from datetime import time
from functools import partial

from bot.families import roster_service
from bot.families.roster_service import Purged
from bot.telegram.context import BotData

log = logging.getLogger(__name__)
PURGE_AT = time(3, 30)


def schedule(services: BotData) -> None:
    """Register the nightly deletion (again at every start-up)."""
    if services.scheduler is None:
        return
    tz = services.settings.tz
    services.scheduler.daily("roster-year-end", PURGE_AT, tz, partial(purge_left, services))


async def purge_left(services: BotData) -> Purged:
    """Delete what left before the most recent school-year end (nothing before it comes)."""
    settings = services.settings
    before = roster_service.year_end_cutoff(services.clock.now(), settings.tz, settings.year_end)
    async with services.sessions() as session:
        purged = await roster_service.purge_left(
            session, school_id=services.school_id, before=before
        )
    if purged.pupils:
        log.info("year end: %s pupils and %s families deleted", purged.pupils, purged.families)
    return purged
