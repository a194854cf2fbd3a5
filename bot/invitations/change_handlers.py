"""Cancelling a meeting: every copy says so in its language, and those who answered are told."""

from __future__ import annotations

import logging

from telegram import InputMediaDocument, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler

from bot.announcements import outbox
from bot.announcements.service import school_of
from bot.core import when as moments
from bot.invitations import service as inv
from bot.invitations.copy_views import title_for
from bot.invitations.jobs import arm_reminders
from bot.invitations.option_handlers import compose
from bot.models import Announcement, Event, Member, MemberStatus
from bot.onboarding import members
from bot.onboarding.handlers import stale
from bot.polls.export import to_csv, workbook
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, keyboard, numeric_press, reply
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)
MOVING = "awaiting_event_move"
EXAMPLE = "12/12 08:30-10:00"


async def cancel_meeting(update: Update, context: BotContext) -> None:
    """❌ Cancel the meeting under the organiser's report: ask, then cancel and tell everyone."""
    query, press = update.callback_query, numeric_press(update, context, "evtc")
    services = context.services
    async with services.sessions() as session:
        announcement = await session.get(Announcement, press.number) if press else None
        event = await inv.event_of(session, announcement_id=press.number) if press else None
    mine = (
        press is not None and announcement is not None and announcement.author_id == press.member_id
    )
    if (
        query is None
        or press is None
        or event is None
        or announcement is None
        or not mine
        or event.status != "open"
    ):
        await stale(update, context)
        return
    await query.answer()
    if press.action == "list":
        await send_list(update, context, event.id or 0, event.title)
        return
    if press.action == "move":
        pending.ask(context, MOVING, event.id)
        await reply(update, context.t("event.ask_new_when", example=EXAMPLE))
        return
    if press.action == "ask":
        rows = [[(context.t("event.cancel_yes"), f"evtc:yes:{press.number}"), (context.t("announce.withdraw_no"), f"evtc:no:{press.number}")]]  # fmt: skip
        await reply(update, context.t("event.cancel_confirm"), keyboard(rows))
        return
    if press.action != "yes":
        await query.edit_message_text(context.t("announce.withdraw_kept"))
        return
    nl = services.settings.default_language
    async with services.sessions() as session:
        event.status = "cancelled"
        session.add(event)
        await session.commit()
        banner = services.catalogs.t(nl, "event.cancelled_banner")
        await outbox.revise(
            session, announcement_id=announcement.id or 0, author_id=press.member_id,
            text=f"{banner}\n\n{announcement.text}", now=services.clock.now(),
        )  # fmt: skip
        answered = await inv.answered(session, event_id=event.id or 0)
    if services.sender is not None:
        services.sender.forget(announcement.id or 0)
        services.sender.wake()
    await tell(context, answered, event, "event.cancelled_notice")
    await query.edit_message_text(
        context.tn("event.cancelled_done", len(answered), count=len(answered))
    )


async def new_moment(update: Update, context: BotContext) -> None:
    """The organiser typed the new moment: the event moves, copies change, those who answered hear."""
    user_data, msg, member = context.user_data, update.effective_message, context.member
    if user_data is None or msg is None or member is None or MOVING not in user_data:
        return
    services, tz = context.services, context.services.settings.tz
    async with services.sessions() as session:
        event = await session.get(Event, user_data[MOVING])
        announcement = await session.get(Announcement, event.announcement_id) if event else None
    if (
        event is None
        or announcement is None
        or announcement.author_id != member.id
        or event.status != "open"
    ):
        user_data.pop(MOVING, None)
        await reply(update, context.t("error.stale_button"))
        raise ApplicationHandlerStop
    length = int((event.ends_at - event.starts_at).total_seconds() // 60)
    span = inv.parse_span(msg.text or "", now=services.clock.now(), tz=tz, minutes=length)
    if isinstance(span, str):
        await reply(update, context.t(span, example=EXAMPLE, days=inv.MAX_AHEAD.days))
        raise ApplicationHandlerStop
    user_data.pop(MOVING)

    async with services.sessions() as session:
        event.starts_at, event.ends_at = span
        session.add(event)
        await session.commit()
        await outbox.revise(
            session, announcement_id=announcement.id or 0, author_id=member.id or 0,
            text=compose(context, event), now=services.clock.now(),
        )  # fmt: skip
        answered = await inv.answered(session, event_id=event.id or 0)
        school = await school_of(session, school_id=member.school_id)
    arm_reminders(services, context.bot, event, quiet=(school.quiet_start, school.quiet_end))
    if services.sender is not None:
        services.sender.forget(announcement.id or 0)
        services.sender.wake()
    await tell(context, answered, event, "event.moved_notice")
    await reply(update, context.tn("event.moved_done", len(answered), count=len(answered)))
    raise ApplicationHandlerStop


async def tell(context: BotContext, people: list[Member], event: Event, key: str) -> None:
    """A short message about the event to each person, in their language."""
    services, nl = context.services, context.services.settings.default_language
    for person in people:
        lang = services.catalogs.pick(person.language)
        day = moments.show(event.starts_at, tz=services.settings.tz, lang=lang)
        title = await title_for(services, event, person, source=nl)
        try:
            await context.bot.send_message(
                person.chat_id, services.catalogs.t(lang, key, title=title, day=day)
            )
        except Forbidden:
            async with services.sessions() as session:
                await members.set_status(session, member=person, status=MemberStatus.BLOCKED)
        except TelegramError:
            log.warning("could not tell %s about event %s", person.id, event.id, exc_info=True)


async def send_list(update: Update, context: BotContext, event_id: int, title: str) -> None:
    """The organiser's list of who is coming, as a spreadsheet (XLSX) and as CSV."""
    catalogs = context.services.catalogs
    async with context.services.sessions() as session:
        found = await inv.attendance(session, event_id=event_id)
    header = context.t("event.export_header").split("|")
    rows: list[list[str | int]] = [
        [name, catalogs.language_name(language, context.lang), context.t(f"event.export_{answer}"), people,
         context.t("event.export_interpreter") if interpreter else ""]
        for name, language, answer, people, interpreter in found
    ]  # fmt: skip
    sheet = context.t("event.export_sheet")[:31]
    chat = update.effective_chat
    if chat is None:
        return
    files = [
        InputMediaDocument(
            workbook([(sheet, header, rows)]), filename=f"aanwezigheden-{event_id}.xlsx"
        ),
        InputMediaDocument(
            to_csv(header, rows), filename=f"aanwezigheden-{event_id}.csv",
            caption=context.t("event.export_caption", title=title),
        ),
    ]  # fmt: skip
    await chat.send_media_group(files)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The organiser's Move, Cancel and list buttons, and the new moment typed after Move."""
    app.add_handler(CallbackQueryHandler(cancel_meeting, pattern=r"^evtc:"), group=GROUP_FEATURES)
    pending.expect(app, MOVING, new_moment)
