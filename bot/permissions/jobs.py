"""Sending a form to the families, and its one reminder: before the deadline, never in the quiet
hours, armed again at every start-up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from telegram import Bot
from telegram.error import TelegramError

from bot.announcements.service import school_of
from bot.families.service import Child
from bot.models import Member, PermissionForm
from bot.permissions import service
from bot.permissions.views import family_copy
from bot.read_aloud.jobs import after_text
from bot.school.quiet import quiet_until
from bot.telegram.common import keyboard
from bot.telegram.context import BotData

log = logging.getLogger(__name__)
BEFORE = timedelta(days=1)  # the reminder goes a day before the deadline


def key(form_id: int) -> str:
    """The scheduler's name for a form's reminder."""
    return f"form-reminder:{form_id}"


async def send_form(services: BotData, bot: Bot, form_id: int) -> int:
    """Each guardian gets one copy per child in the class; how many copies went out."""
    now = services.clock.now()
    async with services.sessions() as session:
        form = await session.get(PermissionForm, form_id)
        if form is None or form.sent_at is not None:
            return 0
        await service.mark_sent(session, form=form, now=now)
        await session.refresh(form)
        people = await service.recipients(session, form=form)
    sent = await deliver(services, bot, form, people)
    await arm(services, bot, form)
    return sent


async def deliver(
    services: BotData, bot: Bot, form: PermissionForm, people: list[tuple[Member, Child]]
) -> int:
    """The copies, in each guardian's language, with Yes / No."""
    sent, below = 0, await dutch_below(services)
    for member, child in people:
        text, rows, spoken = await family_copy(services, form, member, child, dutch_below=below)
        try:
            await bot.send_message(member.chat_id, text, reply_markup=keyboard(rows))
            sent += 1
            if spoken:  # 🔊 read aloud, when they asked
                after_text(
                    services,
                    member,
                    spoken,
                    language=services.catalogs.pick(member.language, member.second_language),
                )
        except TelegramError:
            log.warning("could not send form %s to member %s", form.id, member.id, exc_info=True)
    return sent


async def dutch_below(services: BotData) -> bool:
    """Whether the Dutch question goes under a machine translation: always, for forms. A form's
    copy has no 🔤 button, so the "one tap away" that /dutchoriginal off promises for
    announcements would not be true here; a parent answering yes or no about their child can
    always check the school's own words."""
    return True


async def remind_at(services: BotData, form: PermissionForm, now: datetime) -> datetime | None:
    """A day before the deadline (or halfway, for a short one), out of the quiet hours."""
    due = max(form.deadline - BEFORE, now + (form.deadline - now) / 2)
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
    due = quiet_until(due, services.settings.tz, school.quiet_start, school.quiet_end) or due
    return due if due < form.deadline else None


async def arm(services: BotData, bot: Bot, form: PermissionForm) -> None:
    """Register the reminder of a sent form."""
    due = await remind_at(services, form, services.clock.now())
    if due is not None and services.scheduler is not None:
        services.scheduler.at(key(form.id or 0), due, partial(remind, services, bot, form.id or 0))


async def remind(services: BotData, bot: Bot, form_id: int) -> int:
    """Once: the copy again, with a reminder line, to the families not answered yet."""
    now = services.clock.now()
    async with services.sessions() as session:
        form = await service.claim_reminder(session, form_id=form_id, now=now)
        people = await service.recipients(session, form=form, unanswered=True) if form else []
    if form is None:
        return 0
    catalogs, sent, below = services.catalogs, 0, await dutch_below(services)
    for member, child in people:
        text, rows, spoken = await family_copy(services, form, member, child, dutch_below=below)
        lang = catalogs.pick(member.language, member.second_language)
        text = catalogs.t(lang, "form.reminder") + "\n\n" + text
        try:
            await bot.send_message(member.chat_id, text, reply_markup=keyboard(rows))
            sent += 1
            if spoken:  # 🔊 read aloud, when they asked
                after_text(
                    services,
                    member,
                    catalogs.t(lang, "form.reminder") + "\n\n" + spoken,
                    language=lang,
                )
        except TelegramError:
            log.warning("could not remind member %s of form %s", member.id, form_id, exc_info=True)
    return sent


async def restore(services: BotData, bot: Bot) -> int:
    """At start-up: arm the reminders of open forms."""
    async with services.sessions() as session:
        forms = await service.to_remind(
            session, school_id=services.school_id, now=services.clock.now()
        )
    for form in forms:
        await arm(services, bot, form)
    return len(forms)
