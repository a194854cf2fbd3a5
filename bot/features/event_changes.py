"""Cancelling a meeting: every copy says so in its language, and those who answered are told."""

from __future__ import annotations

import logging

from telegram import InputFile, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.features.common import GROUP_FEATURES, keyboard, numeric_press, reply
from bot.features.onboarding import stale
from bot.models import Announcement, MemberStatus
from bot.services import invitations as inv
from bot.services import members, outbox
from bot.services import when as moments

log = logging.getLogger(__name__)


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
    for person in answered:
        lang = services.catalogs.pick(person.language)
        day = moments.show(event.starts_at, tz=services.settings.tz, lang=lang)
        title = event.title
        if services.translator is not None and lang != nl:
            languages = [x for x in (person.language, person.second_language) if x]
            title = (
                await services.translator.translate_for(title, source=nl, languages=languages)
            ).text
        text = services.catalogs.t(lang, "event.cancelled_notice", title=title, day=day)
        try:
            await context.bot.send_message(person.chat_id, text)
        except Forbidden:
            async with services.sessions() as session:
                await members.set_status(session, member=person, status=MemberStatus.BLOCKED)
        except TelegramError:
            log.warning(
                "could not tell %s that event %s is cancelled", person.id, event.id, exc_info=True
            )
    await query.edit_message_text(context.t("event.cancelled_done", count=len(answered)))


async def send_list(update: Update, context: BotContext, event_id: int, title: str) -> None:
    """The organiser's list of who is coming, as a CSV file."""
    catalogs = context.services.catalogs
    names = {code: catalogs.native_name(code) for code in catalogs.languages}
    async with context.services.sessions() as session:
        data = await inv.attendance_csv(session, event_id=event_id, languages=names)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(
            InputFile(data, filename=f"aanwezigheden-{event_id}.csv"),
            caption=context.t("event.export_caption", title=title),
        )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The organiser's Cancel button and its confirmation."""
    app.add_handler(CallbackQueryHandler(cancel_meeting, pattern=r"^evtc:"), group=GROUP_FEATURES)
