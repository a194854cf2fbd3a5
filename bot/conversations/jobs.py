"""Daily jobs: retention, the team's inbox summary, and open polls' anonymous rows reshuffled."""

from __future__ import annotations

import logging
from datetime import time
from functools import partial

from telegram import Bot
from telegram.error import TelegramError

from bot.announcements.service import school_of
from bot.conversations import service as svc
from bot.models import Member
from bot.polls import service as poll_svc
from bot.polls.anonymity import reshuffle
from bot.privacy import service as privacy
from bot.telegram.context import BotData

log = logging.getLogger(__name__)
PURGE_AT = time(3, 15)
SUMMARY_AT = time(16, 0)  # after school, before the quiet hours


def schedule(services: BotData, bot: Bot) -> None:
    """Register the daily jobs (again at every start-up)."""
    if services.scheduler is None:
        return
    tz = services.settings.tz
    services.scheduler.daily("retention", PURGE_AT, tz, partial(purge_old, services))
    services.scheduler.daily(
        "inbox-summary", SUMMARY_AT, tz, partial(send_summaries, services, bot)
    )
    services.scheduler.daily("poll-shuffle", PURGE_AT, tz, partial(shuffle_polls, services))


async def shuffle_polls(services: BotData) -> int:
    """Every night: the anonymous rows of open polls rewritten in random order (PostgreSQL)."""
    async with services.sessions() as session:
        polls = await poll_svc.polls_of(session, school_id=services.school_id)
        return sum(
            [await reshuffle(session, poll_id=p.id or 0) for p in polls if p.status == "open"]
        )


async def purge_old(services: BotData) -> int:
    """Delete conversations last active before the retention cut-off, and their translations."""
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        cutoff = svc.retention_cutoff(
            services.clock.now(), services.settings.tz, school.retention_days
        )
        erased = await privacy.purge_conversations(
            session, school_id=services.school_id, before=cutoff
        )
    if services.translator is not None:
        services.translator.forget_sources(set(erased.sources))
    if services.speaker is not None:  # and their read-aloud audio
        services.speaker.forget_sources(set(erased.sources))
    deleted = erased.count("conversation")
    log.info("retention: %s conversations deleted (last active before %s)", deleted, cutoff)
    return deleted


async def send_summaries(services: BotData, bot: Bot) -> int:
    """One message per team member with conversations waiting for an answer."""
    async with services.sessions() as session:
        waiting = await svc.waiting_by_member(session, school_id=services.school_id)
        people = [
            (await session.get(Member, member_id), count) for member_id, count in waiting.items()
        ]
    sent = 0
    for person, count in people:
        if person is None:
            continue
        lang = services.catalogs.pick(person.language)
        try:
            await bot.send_message(
                person.chat_id, services.catalogs.tn(lang, "inbox.summary", count, count=count)
            )
            sent += 1
        except TelegramError:
            log.warning("could not send the inbox summary to %s", person.id, exc_info=True)
    return sent
