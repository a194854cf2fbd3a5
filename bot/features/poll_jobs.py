"""Sending a poll to parents, reminders to those who have not answered, closing at the deadline.

The schedule lives in the database (Poll.invite_at, reminders_sent, reminded_at, closes_at); the
functions in bot/services/poll_schedule.py decide what is due, `tick` acts on it. Every message
goes through the bot, whose PacedRateLimiter keeps to Telegram's limits.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot.context import BotContext, BotData
from bot.features.poll_views import invitation
from bot.models import Member, MemberStatus, Poll, School
from bot.services import members
from bot.services import poll_schedule as schedule
from bot.services import polls as svc

log = logging.getLogger(__name__)
TICK = timedelta(minutes=1)


async def send_to(
    bot: Any, data: BotData, poll: Poll, people: list[Member], *, reminder: bool
) -> int:
    """The invitation (or reminder) to each parent in their language; returns how many got it."""
    flow = data.flows.get(poll.flow_id)
    if flow is None:
        return 0
    sent = 0
    for person in people:
        lang = data.catalogs.pick(person.language)
        text, markup = invitation(
            data.catalogs, flow, poll_id=poll.id or 0, closes_at=poll.closes_at,
            tz=data.settings.tz, lang=lang, reminder=reminder,
        )  # fmt: skip
        try:
            await bot.send_message(person.chat_id, text, reply_markup=markup)
            sent += 1
        except Forbidden:
            async with data.sessions() as session:
                await members.set_status(session, member=person, status=MemberStatus.BLOCKED)
        except TelegramError:
            log.warning("poll %s: could not reach member %s", poll.id, person.id, exc_info=True)
    return sent


async def send_invitations(bot: Any, data: BotData, poll_id: int) -> int:
    """Send a launched poll to its audience (once: invite_at is cleared first)."""
    async with data.sessions() as session:
        poll = await schedule.claim_invitations(session, poll_id=poll_id)
        people = await svc.audience(session, poll=poll) if poll else []
    if poll is None:
        return 0
    sent = await send_to(bot, data, poll, people, reminder=False)
    async with data.sessions() as session:
        await schedule.count_invited(session, poll_id=poll_id, sent=sent)
    return sent


async def tick(bot: Any, data: BotData) -> None:
    """One round of the schedule: waiting invitations, reminders, closing."""
    now = data.clock.now()
    async with data.sessions() as session:
        school = await session.get(School, data.school_id)
        if school is None:
            return
        waiting = await schedule.due_invitations(
            session, now=now, school=school, tz=data.settings.tz
        )
        reminders = await schedule.due_reminders(
            session, now=now, school=school, tz=data.settings.tz, secret=data.poll_secret
        )
        closed = await schedule.close_due_polls(session, now=now)
    for poll_id in waiting:
        await send_invitations(bot, data, poll_id)
    for poll, people in reminders:
        await send_to(bot, data, poll, people, reminder=True)
    for poll in closed:
        await tell_author_closed(bot, data, poll)


async def tell_author_closed(bot: Any, data: BotData, poll: Poll) -> None:
    """The coordinator who launched the poll hears that it closed, with the respondent count."""
    flow = data.flows.get(poll.flow_id)
    if poll.author_chat_id is None or flow is None:
        return
    async with data.sessions() as session:
        author = await session.get(Member, poll.author_id) if poll.author_id else None
        respondents = await schedule.respondents(session, poll_id=poll.id or 0)
    lang = data.catalogs.pick(author.language if author else None)
    title = f"{flow.emoji} {flow.title.get(lang) or flow.title['nl']}"
    text = data.catalogs.t(lang, "poll.closed_notice", title=title, count=respondents)
    try:
        await bot.send_message(poll.author_chat_id, text)
    except TelegramError:
        log.warning("could not tell the author that poll %s closed", poll.id, exc_info=True)


async def _job(context: BotContext) -> None:
    """The repeating job: `tick` with the application's services."""
    try:
        await tick(context.bot, context.services)
    except Exception:
        log.exception("poll schedule tick failed")


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Run the schedule every minute (PTB's JobQueue; the database says what is due)."""
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _job,  # type: ignore[arg-type]
            interval=TICK,
            first=TICK,
            name="polls",
        )
