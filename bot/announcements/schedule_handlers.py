"""Sending an announcement later: pick or type a moment; the scheduler releases it, even after a restart."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler

from bot.announcements import outbox
from bot.announcements import service as svc
from bot.announcements.report_views import refresh_report_message
from bot.core import when as moments
from bot.models import Announcement, AnnouncementStatus, Member
from bot.onboarding.handlers import stale
from bot.school.quiet import quiet_until
from bot.telegram import pending
from bot.telegram.common import (
    GROUP_FEATURES,
    in_columns,
    keyboard,
    numeric_press,
    pressed,
    reply,
)
from bot.telegram.context import BotContext, BotData

log = logging.getLogger(__name__)
AWAITING = "awaiting_schedule"
EXAMPLE = "25/11 08:15"


def job_key(announcement_id: int) -> str:
    """The scheduler's name for an announcement's release."""
    return f"announcement:{announcement_id}"


async def own_draft(
    context: BotContext, announcement_id: int, member: Member
) -> Announcement | None:
    """The member's own draft, or None."""
    async with context.services.sessions() as session:
        draft = await session.get(Announcement, announcement_id)
    ok = draft is not None and draft.author_id == member.id and draft.status == "draft"
    return draft if ok else None


async def schedule_menu(update: Update, context: BotContext) -> None:
    """Schedule… under a preview: the next usual moments as buttons, or type one."""
    query, press = update.callback_query, numeric_press(update, context, "ann")
    draft = await own_draft(context, press.number, press.member) if press else None
    if query is None or press is None or draft is None:
        await stale(update, context)
        return
    services = context.services
    tz = services.settings.tz
    choices = [
        (
            moments.show(m, tz=tz, lang=context.lang),
            f"anns:{press.number}:{int(m.timestamp()) // 60}",
        )
        for m in moments.suggestions(now=services.clock.now(), tz=tz)
    ]
    rows = [*in_columns(choices, 2), [(context.t("announce.back"), f"ann:back:{press.number}")]]
    if context.user_data is not None:
        pending.ask(context, AWAITING, press.number)
    await query.answer()
    await query.edit_message_text(
        context.t("announce.schedule_ask", example=EXAMPLE), reply_markup=keyboard(rows)
    )


async def back_to_preview(update: Update, context: BotContext) -> None:
    """Back from the schedule menu to the preview."""
    from bot.announcements.handlers import preview

    query, press = update.callback_query, numeric_press(update, context, "ann")
    draft = await own_draft(context, press.number, press.member) if press else None
    if query is None or press is None or draft is None:
        await stale(update, context)
        return
    if context.user_data is not None:
        context.user_data.pop(AWAITING, None)
    await query.answer()
    text, markup = await preview(context, draft, press.member)
    await query.edit_message_text(text, reply_markup=markup)


async def pick(update: Update, context: BotContext) -> None:
    """A suggested moment was tapped."""
    query, member, fields = update.callback_query, context.member, pressed(update, "anns", "##")
    if query is None or member is None or fields is None:
        await stale(update, context)
        return
    draft_id, minutes = fields.numbers
    when = moment_of(minutes)
    if when is None or not moments.acceptable(when, now=context.services.clock.now()):
        await query.answer(out_of_range(context), show_alert=True)  # an old menu, or forged
        return
    answer = await schedule(context, member, draft_id, when)
    if answer is None:
        return await stale(update, context)
    if context.user_data is not None:
        context.user_data.pop(AWAITING, None)  # a moment was picked: no typed one expected
    await query.answer()
    edited = await query.edit_message_text(answer[0], reply_markup=answer[1])
    await remember_report_message(context, draft_id, edited)


def moment_of(minutes: int) -> datetime | None:
    """The moment of a suggestion button (minutes since 1970), None if no calendar has it."""
    try:
        return datetime.fromtimestamp(minutes * 60, UTC)
    except (OverflowError, OSError, ValueError):
        return None


async def typed(update: Update, context: BotContext) -> None:
    """The moment typed after Schedule… (only while the bot is waiting for one)."""
    user_data, member, msg = context.user_data, context.member, update.effective_message
    if user_data is None or AWAITING not in user_data or member is None or msg is None:
        return
    services = context.services
    when = moments.parse_when(msg.text or "", now=services.clock.now(), tz=services.settings.tz)
    if when is None:
        await reply(update, context.t("announce.schedule_bad", example=EXAMPLE))
        raise ApplicationHandlerStop
    if not moments.acceptable(when, now=services.clock.now()):
        await reply(update, out_of_range(context))
        raise ApplicationHandlerStop
    answer = await schedule(context, member, user_data[AWAITING], when)
    if answer is None:
        user_data.pop(AWAITING, None)
        await reply(update, context.t("error.stale_button"))
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None:
        sent = await chat.send_message(answer[0], reply_markup=answer[1])
        await remember_report_message(context, user_data.pop(AWAITING), sent)
    raise ApplicationHandlerStop


def out_of_range(context: BotContext) -> str:
    """The answer to a moment in the past or too far ahead."""
    days = moments.MAX_AHEAD.days
    return context.tn("announce.schedule_out_of_range", days, days=days)


async def schedule(
    context: BotContext, member: Member, draft_id: int, when: datetime
) -> tuple[str, InlineKeyboardMarkup] | None:
    """Schedule the member's draft; the confirmation text and buttons, or None if not allowed."""
    services = context.services
    async with services.sessions() as session:
        announcement = await outbox.schedule(
            session, announcement_id=draft_id, author_id=member.id or 0, when=when
        )
        if announcement is None:
            return None
        classes = await svc.class_names(session, announcement=announcement)
    arm(services, context.bot, announcement)
    shown = moments.show(when, tz=services.settings.tz, lang=context.lang)
    text = context.t("announce.scheduled", time=shown, classes=", ".join(classes))
    rows = [
        [
            (context.t("announce.send_now"), f"ann:now:{draft_id}"),
            (context.t("announce.cancel"), f"ann:cancel:{draft_id}"),
        ]
    ]
    return text, keyboard(rows)


async def remember_report_message(context: BotContext, announcement_id: int, message: Any) -> None:
    """The scheduled message becomes the delivery report when the announcement goes out."""
    if message is None or isinstance(message, bool):
        return
    async with context.services.sessions() as session:
        announcement = await session.get(Announcement, announcement_id)
        if announcement is not None:
            announcement.report_message_id = message.message_id
            session.add(announcement)
            await session.commit()


async def send_now(update: Update, context: BotContext) -> None:
    """Send now, under a scheduled announcement."""
    query, press = update.callback_query, numeric_press(update, context, "ann")
    if query is None or press is None:
        await stale(update, context)
        return
    released = await release(context.services, context.bot, press.number, author_id=press.member_id)
    if not released:
        await stale(update, context)
        return
    await query.answer()


def arm(services: BotData, bot: Bot, announcement: Announcement) -> None:
    """Register an announcement's release with the scheduler."""
    if services.scheduler is None or announcement.id is None or announcement.scheduled_for is None:
        return
    services.scheduler.at(
        job_key(announcement.id),
        announcement.scheduled_for,
        partial(release, services, bot, announcement.id),
    )


async def release(
    services: BotData, bot: Bot, announcement_id: int, *, author_id: int | None = None
) -> bool:
    """The moment came (or the author said Send now): fill the outbox and show the report."""
    async with services.sessions() as session:
        announcement = await session.get(Announcement, announcement_id)
        if announcement is None or announcement.status != AnnouncementStatus.SCHEDULED:
            return False
        held = None
        if not announcement.urgent:
            school = await svc.school_of(session, school_id=announcement.school_id)
            now = services.clock.now()
            held = quiet_until(now, services.settings.tz, school.quiet_start, school.quiet_end)
        released = await outbox.release(
            session,
            announcement_id=announcement_id,
            now=services.clock.now(),
            not_before=held,
            author_id=author_id,
        )
        if released is None:
            return False
        figures = await svc.report(session, announcement_id=announcement_id)
    if services.scheduler is not None:
        services.scheduler.cancel(job_key(announcement_id))
    await refresh_report_message(bot, services, released[0], figures)
    if services.sender is not None:
        services.sender.wake()
    log.info("announcement %s released to %s parents", announcement_id, released[1])
    return True


async def restore(services: BotData, bot: Bot) -> int:
    """At start-up: every scheduled announcement back in the scheduler (past ones go at once)."""
    async with services.sessions() as session:
        waiting = await outbox.scheduled(session, school_id=services.school_id)
    for announcement in waiting:
        arm(services, bot, announcement)
    return len(waiting)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Schedule…, the suggested moments, a typed moment, Back and Send now."""
    pending.expect(app, AWAITING, typed)
    app.add_handler(
        CallbackQueryHandler(schedule_menu, pattern=r"^ann:sched:"), group=GROUP_FEATURES
    )
    app.add_handler(
        CallbackQueryHandler(back_to_preview, pattern=r"^ann:back:"), group=GROUP_FEATURES
    )
    app.add_handler(CallbackQueryHandler(send_now, pattern=r"^ann:now:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(pick, pattern=r"^anns:"), group=GROUP_FEATURES)
