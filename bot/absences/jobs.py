"""Absences and the team: told at once or after the quiet hours, the morning list, the weekly
overview of repeated unexplained absences. Held notes live in the database (`team_due_at`) and
are armed again at every start-up."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time
from functools import partial

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.absences import holidays, marks, service
from bot.absences.views import one_day, reason_name, team_text
from bot.announcements.service import school_of
from bot.core.i18n import Catalogs
from bot.core.limits import CAPTION_LIMIT, utf16_len
from bot.families.service import Child
from bot.models import Absence, Member
from bot.school.quiet import quiet_until
from bot.school.settings import parse_hours
from bot.telegram.context import BotData

log = logging.getLogger(__name__)
WEEKLY_AT = time(8, 0)  # Monday morning, the coordinators' overview
PURGE_AT = time(3, 30)  # at night: absences and forms of past school years are deleted


def key(absence_id: int) -> str:
    """The scheduler's name for a held note."""
    return f"absence:{absence_id}"


async def team_due(services: BotData, now: datetime) -> datetime | None:
    """None: tell the team now; else the start of the school day: when the quiet hours end, and
    on the next school day when that falls in the weekend or a holiday."""
    tz = services.settings.tz
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        due = quiet_until(now, tz, school.quiet_start, school.quiet_end)
        local = (due or now).astimezone(tz)
        off = await holidays.days_off(session, school_id=services.school_id, start=local.date())
    if local.weekday() < 5 and local.date() not in off:
        return due
    hours, minutes = (int(x) for x in (parse_hours(school.quiet_end) or "07:00").split(":"))
    day = service.school_days(local.date(), 1, off)[0]  # after the weekend and the holidays
    return datetime.combine(day, time(hours, minutes), tzinfo=tz).astimezone(UTC)


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the pressed message; a second press of the same button changes nothing (Telegram
    answers "message is not modified")."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as err:
        if "not modified" not in str(err):
            raise


async def send_one(bot: Bot, person: Member, text: str, markup: InlineKeyboardMarkup | None = None) -> int:  # fmt: skip
    """Send one message with buttons; 1 if it went out."""
    try:
        await bot.send_message(person.chat_id, text, reply_markup=markup)
        return 1
    except TelegramError:
        log.warning("could not send an absence message to member %s", person.id, exc_info=True)
        return 0


async def send(services: BotData, bot: Bot, people: list[Member], text: str, voice: str | None = None) -> int:  # fmt: skip
    """Send a text (and a voice note) to each person; how many got it."""
    sent = 0
    for person in people:
        try:
            if voice and utf16_len(text) <= CAPTION_LIMIT:  # the voice note under its Dutch header
                await bot.send_voice(person.chat_id, voice, caption=text)
            elif voice:
                await bot.send_voice(person.chat_id, voice)
                await bot.send_message(person.chat_id, text)
            else:
                await bot.send_message(person.chat_id, text)
            sent += 1
        except TelegramError:
            log.warning("could not tell team member %s about an absence", person.id, exc_info=True)
    return sent


async def tell_team(services: BotData, bot: Bot, absence: Absence) -> int:
    """The class teacher(s) and the office read the note, each in their language (Dutch)."""
    catalogs = services.catalogs
    async with services.sessions() as session:
        child = await service.pupil_child(session, pupil_id=absence.pupil_id)
        team = await service.class_team(session, school_id=absence.school_id, class_id=absence.class_id)  # fmt: skip
        parent = await session.get(Member, absence.reported_by) if absence.reported_by else None
    if child is None:
        return 0
    sent = 0
    for person in team:
        text = team_text(catalogs, catalogs.pick(person.language), absence, child, parent)
        sent += await send(services, bot, [person], text, absence.voice_file_id)
    return sent


def hold(services: BotData, bot: Bot, absence_id: int, due: datetime) -> None:
    """Arm a held note for when the quiet hours end."""
    if services.scheduler is not None:
        services.scheduler.at(key(absence_id), due, partial(release, services, bot, absence_id))


async def release(services: BotData, bot: Bot, absence_id: int) -> int:
    """The quiet hours ended: tell the team of a held note (once)."""
    async with services.sessions() as session:
        absence = await service.claim_held(session, absence_id=absence_id)
    return await tell_team(services, bot, absence) if absence is not None else 0


async def restore(services: BotData, bot: Bot) -> int:
    """At start-up: arm every held note again; register the morning list and weekly overview."""
    async with services.sessions() as session:
        found = await service.held(session, school_id=services.school_id)
        school = await school_of(session, school_id=services.school_id)
    for absence_id, due in found:
        hold(services, bot, absence_id, due)
    if services.scheduler is not None:
        tz, at = services.settings.tz, parse_hours(school.absence_digest_at) or "08:30"
        hours, minutes = (int(x) for x in at.split(":"))
        morning = partial(morning_lists, services, bot)
        services.scheduler.daily("absence-morning", time(hours, minutes), tz, morning)
        weekly = partial(weekly_overview, services, bot)
        services.scheduler.daily("absence-weekly", WEEKLY_AT, tz, weekly)
        services.scheduler.daily("absence-purge", PURGE_AT, tz, partial(purge, services))
    return len(found)


async def purge(services: BotData) -> tuple[int, int]:
    """Every night: absences and permission forms of past school years deleted."""
    today = services.clock.now().astimezone(services.settings.tz).date()
    async with services.sessions() as session:
        found = await marks.purge(session, school_id=services.school_id, today=today)
    if any(found):
        log.info("absences and forms of past school years deleted: %s, %s", *found)
    return found


def list_text(catalogs: Catalogs, lang: str, rows: list[tuple[Absence, Child]], day: str) -> str:
    """'📋 Absent today (ma 23 november): • Adam B. (1A): 🤒 Sick ...'."""
    lines = [catalogs.tn(lang, "absence.morning_title", len(rows), count=len(rows), day=day)]
    for absence, child in rows:
        lines.append(f"• {child.label}: {reason_name(catalogs, lang, absence.reason)}")
    return "\n".join(lines)


async def morning_lists(services: BotData, bot: Bot) -> int:
    """Each school morning: every teacher gets the absences in their classes (none: nothing)."""
    catalogs, now = services.catalogs, services.clock.now()
    today = now.astimezone(services.settings.tz).date()
    if today.weekday() >= 5:
        return 0
    sent = 0
    async with services.sessions() as session:
        if today in await holidays.days_off(session, school_id=services.school_id, start=today):
            return 0  # no school today
        rows = await service.on_day(session, school_id=services.school_id, day=today)
        teachers = await service.teachers(session, school_id=services.school_id)
    for teacher, class_ids in teachers:
        mine = [(a, c) for a, c in rows if a.class_id in class_ids]
        if mine:
            lang = catalogs.pick(teacher.language)
            text = list_text(catalogs, lang, mine, one_day(today, lang))
            sent += await send(services, bot, [teacher], text)
    return sent


async def weekly_overview(services: BotData, bot: Bot) -> int:
    """Monday morning: coordinators see the children with repeated unexplained absences."""
    catalogs, now = services.catalogs, services.clock.now()
    today = now.astimezone(services.settings.tz).date()
    if today.weekday() != 0:
        return 0
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        found = await marks.unexplained(
            session, school_id=services.school_id, today=today, threshold=school.absence_alert
        )
        office = await service.class_team(session, school_id=services.school_id, class_id=None)
    if not found:
        return 0
    sent = 0
    for person in office:
        lang = catalogs.pick(person.language)
        lines = [
            catalogs.tn(
                lang,
                "absence.weekly_title",
                len(found),
                count=len(found),
                threshold=school.absence_alert,
            )
        ]
        lines += [
            catalogs.tn(lang, "absence.weekly_line", n, count=n, child=c.label) for c, n in found
        ]
        sent += await send(services, bot, [person], "\n".join(lines))
    return sent
