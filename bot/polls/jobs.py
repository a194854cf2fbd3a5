"""Sending a poll to parents, reminders to those who have not answered, closing at the deadline.

The schedule lives in the database (Poll.invite_at, reminders_sent, reminded_at, closes_at); the
functions in bot/polls/schedule.py decide what is due, `tick` acts on it, and `schedule`
registers each open poll's next moment with bot/core/scheduler.py. Every message
goes through the bot, whose PacedRateLimiter keeps to Telegram's limits.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import Forbidden, TelegramError

from bot.models import Member, MemberStatus, Poll, School
from bot.onboarding import lookups, members
from bot.polls import schedule as schedule_svc
from bot.polls import service as svc
from bot.polls.views import invitation, poll_flow
from bot.read_aloud.jobs import after_text
from bot.telegram.context import BotData

log = logging.getLogger(__name__)


async def send_to(
    bot: Any, data: BotData, poll: Poll, people: list[Member], *, reminder: bool,
    warming: lookups.Warming | None = None,
) -> int:  # fmt: skip
    """The invitation (or reminder) to each parent in their language; returns how many got it.

    With `warming`, each parent's member and classes are cached just before their message goes
    out: their presses on it come in a burst (bot/onboarding/lookups.py).
    """
    flow = poll_flow(data, poll)
    if flow is None:
        return 0
    sent = 0
    if warming is not None:
        await warming.read_classes(data.sessions, people)
    for person in people:
        if warming is not None:
            warming.warm(data.caches, person)
        lang = data.catalogs.pick(person.language)
        text, markup = invitation(
            data.catalogs, flow, poll_id=poll.id or 0, closes_at=poll.closes_at,
            tz=data.settings.tz, lang=lang, reminder=reminder,
        )  # fmt: skip
        try:
            await bot.send_message(person.chat_id, text, reply_markup=markup)
            sent += 1
            after_text(data, person, text, language=lang)  # 🔊 read aloud, when they asked
        except Forbidden:
            async with data.sessions() as session:
                await members.set_status(session, member=person, status=MemberStatus.BLOCKED)
        except TelegramError:
            log.warning("poll %s: could not reach member %s", poll.id, person.id, exc_info=True)
    return sent


async def send_invitations(bot: Any, data: BotData, poll_id: int) -> int:
    """Send a launched poll to its audience (once: invite_at is cleared first)."""
    warming = lookups.Warming.begin(data.caches)
    async with data.sessions() as session:
        poll = await schedule_svc.claim_invitations(session, poll_id=poll_id)
        people = await svc.audience(session, poll=poll) if poll else []
    if poll is None:
        return 0
    sent = await send_to(bot, data, poll, people, reminder=False, warming=warming)
    async with data.sessions() as session:
        await schedule_svc.count_invited(session, poll_id=poll_id, sent=sent)
    return sent


async def tick(bot: Any, data: BotData) -> None:
    """One round of the schedule: waiting invitations, reminders, closing."""
    now = data.clock.now()
    warming = lookups.Warming.begin(data.caches)
    async with data.sessions() as session:
        school = await session.get(School, data.school_id)
        if school is None:
            return
        waiting = await schedule_svc.due_invitations(
            session, now=now, school=school, tz=data.settings.tz
        )
        reminders = await schedule_svc.due_reminders(
            session, now=now, school=school, tz=data.settings.tz, secret=data.poll_secret
        )
        closed = await schedule_svc.close_due_polls(session, school_id=data.school_id, now=now)
    for poll_id in waiting:
        await send_invitations(bot, data, poll_id)
    for poll, people in reminders:
        await send_to(bot, data, poll, people, reminder=True, warming=warming)
    for poll in closed:
        await tell_author_closed(bot, data, poll)


async def tell_author_closed(bot: Any, data: BotData, poll: Poll) -> None:
    """The coordinator who launched the poll hears that it closed, with the respondent count."""
    flow = poll_flow(data, poll)
    if poll.author_chat_id is None or flow is None:
        return
    async with data.sessions() as session:
        author = await session.get(Member, poll.author_id) if poll.author_id else None
        respondents = await schedule_svc.respondents(session, poll_id=poll.id or 0)
    lang = data.catalogs.pick(author.language if author else None)
    title = f"{flow.emoji} {flow.title.get(lang) or flow.title['nl']}"
    text = data.catalogs.tn(lang, "poll.closed_notice", respondents, title=title, count=respondents)
    try:
        await bot.send_message(poll.author_chat_id, text)
    except TelegramError:
        log.warning("could not tell the author that poll %s closed", poll.id, exc_info=True)


async def run(bot: Any, data: BotData) -> None:
    """A scheduled moment came: do what is due, then arm the next moment of every open poll."""
    try:
        await tick(bot, data)
    finally:
        await schedule(data, bot)


async def schedule(data: BotData, bot: Any) -> None:
    """Register each open poll's next moment with the scheduler (at start-up, launch, after runs)."""
    if data.scheduler is None:
        return
    now = data.clock.now()
    async with data.sessions() as session:
        school = await session.get(School, data.school_id)
        found = await schedule_svc.open_polls(session, school_id=data.school_id)
    for poll in found if school is not None else []:
        when = schedule_svc.next_due(poll, school, data.settings.tz, now)  # type: ignore[arg-type]
        data.scheduler.at(f"poll-{poll.id}", when, lambda: run(bot, data))


def unschedule(data: BotData, poll_id: int) -> None:
    """A poll closed by hand: nothing more to do for it."""
    if data.scheduler is not None:
        data.scheduler.cancel(f"poll-{poll_id}")
