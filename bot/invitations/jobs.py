"""Invitation reminders: the day before and two hours before, to those who said yes or maybe."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from functools import partial

from telegram import Bot
from telegram.error import Forbidden, TelegramError

from bot.announcements.service import school_of
from bot.core import when as moments
from bot.invitations import service as inv
from bot.invitations.copy_views import title_for
from bot.models import Announcement, AnnouncementStatus, Event, Member, MemberStatus
from bot.onboarding import members
from bot.polls import jobs as poll_jobs
from bot.read_aloud.jobs import after_text
from bot.telegram.context import BotData

log = logging.getLogger(__name__)
REMINDERS = {"day": timedelta(days=1), "soon": timedelta(hours=2)}
THANK_YOU_AFTER = timedelta(minutes=30)  # after the end, the thank-you poll (out of quiet hours)
SUMMARY_AT = time(7, 30)  # the organiser's summary on the morning of the event


def arm_reminders(services: BotData, bot: Bot, event: Event, *, quiet: tuple[str, str] = ("21:00", "07:00")) -> None:  # fmt: skip
    """Register an event's reminders with the scheduler (again at every start-up)."""
    if services.scheduler is None or event.id is None:
        return
    tz = services.settings.tz
    for name, before in REMINDERS.items():
        moment = inv.reminder_moment(
            event.starts_at, before, tz=tz, quiet_start=quiet[0], quiet_end=quiet[1]
        )
        if moment > services.clock.now():
            key = f"event:{event.id}:{name}"
            services.scheduler.at(key, moment, partial(send_reminders, services, bot, event.id))
    local = event.starts_at.astimezone(tz)
    morning = datetime.combine(local.date(), SUMMARY_AT, tzinfo=tz).astimezone(UTC)
    if services.clock.now() < morning < event.starts_at:  # the organiser's summary that morning
        key = f"event:{event.id}:summary"
        services.scheduler.at(key, morning, partial(send_summary, services, bot, event.id))
    after = event.ends_at + THANK_YOU_AFTER
    if services.clock.now() < after:  # checked again then: the organiser may switch it off
        key = f"event:{event.id}:thanks"
        services.scheduler.at(key, after, partial(start_thank_you, services, bot, event.id))


async def restore(services: BotData, bot: Bot) -> int:
    """At start-up: the reminders of every event still to come (or whose thank-you poll is due)."""
    async with services.sessions() as session:
        events = await inv.upcoming(
            session, school_id=services.school_id, now=services.clock.now() - THANK_YOU_AFTER
        )
        school = await school_of(session, school_id=services.school_id)
    for event in events:
        arm_reminders(services, bot, event, quiet=(school.quiet_start, school.quiet_end))
    return len(events)


async def send_reminders(services: BotData, bot: Bot, event_id: int) -> int:
    """Remind those who said yes or maybe, in their language (if the invitation went out)."""
    async with services.sessions() as session:
        event = await session.get(Event, event_id)
        announcement = await session.get(Announcement, event.announcement_id) if event else None
        live = (AnnouncementStatus.SENDING, AnnouncementStatus.SENT)
        if event is None or announcement is None or announcement.status not in live:
            return 0
        if event.status != "open" or event.starts_at <= services.clock.now():
            return 0
        people = await inv.coming(session, event_id=event_id)
    sent = 0
    for person in people:
        lang = services.catalogs.pick(person.language)
        title = await title_for(services, event, person, source=announcement.language)
        day = moments.show(event.starts_at, tz=services.settings.tz, lang=lang)
        text = services.catalogs.t(lang, "event.reminder", title=title, day=day, place=event.place)
        try:
            await bot.send_message(person.chat_id, text)
            sent += 1
            after_text(services, person, text, language=lang)  # 🔊 read aloud, when they asked
        except Forbidden:
            async with services.sessions() as session:
                await members.set_status(session, member=person, status=MemberStatus.BLOCKED)
        except TelegramError:
            log.warning("could not remind %s of event %s", person.id, event_id, exc_info=True)
    return sent


async def send_summary(services: BotData, bot: Bot, event_id: int) -> bool:
    """The morning of the event: the organiser's figures (if the invitation went out)."""
    async with services.sessions() as session:
        event = await session.get(Event, event_id)
        announcement = await session.get(Announcement, event.announcement_id) if event else None
        author = await session.get(Member, announcement.author_id or 0) if announcement else None
        live = (AnnouncementStatus.SENDING, AnnouncementStatus.SENT)
        if (
            event is None
            or announcement is None
            or author is None
            or announcement.status not in live
        ):
            return False
        if event.status != "open":
            return False
        figures = await inv.counts(session, event_id=event_id)
    lang = services.catalogs.pick(author.language)

    def names(code: str) -> str:
        return services.catalogs.language_name(code, lang)

    interpreters = ", ".join(f"{names(code)} {n}" for code, n in figures.interpreters) or "–"
    text = services.catalogs.tn(
        lang, "event.morning_summary", figures.people, title=event.title,
        time=event.starts_at.astimezone(services.settings.tz).strftime("%H:%M"),
        yes=figures.yes, people=figures.people, maybe=figures.maybe, interpreters=interpreters,
    )  # fmt: skip
    try:
        await bot.send_message(author.chat_id, text)
    except TelegramError:
        log.warning("could not send the morning summary of event %s", event_id, exc_info=True)
        return False
    return True


async def start_thank_you(services: BotData, bot: Bot, event_id: int) -> bool:
    """After the meeting: open the thank-you poll for those who said they would come."""
    flow = services.flows.get(inv.THANK_YOU_FLOW)
    if flow is None:
        log.warning(
            "no %s flow in flows/: no thank-you poll after event %s", inv.THANK_YOU_FLOW, event_id
        )
        return False
    async with services.sessions() as session:
        event = await session.get(Event, event_id)
        announcement = await session.get(Announcement, event.announcement_id) if event else None
        live = (AnnouncementStatus.SENDING, AnnouncementStatus.SENT)
        if event is None or announcement is None or announcement.status not in live:
            return False
        if event.status != "open" or not event.thank_you:
            return False
        if not await inv.coming(session, event_id=event_id):
            return False
        poll = await inv.open_thank_you_poll(
            session, event=event, flow=flow, now=services.clock.now()
        )
    if poll is not None:
        await poll_jobs.schedule(services, bot)
    return poll is not None
