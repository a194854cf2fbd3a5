"""💬 Question under an announcement: the parent writes or speaks in their language; the author reads Dutch."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, filters

from bot.conversations import service as conversations
from bot.conversations.handlers import EXCERPT, keep_for_team
from bot.core.limits import cut
from bot.models import Announcement, Delivery, InboxMessage, Member, MemberStatus
from bot.onboarding.handlers import stale
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, numeric_press, reply
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)
AWAITING = "awaiting_question"
ANSWERS = (filters.TEXT | filters.VOICE | filters.PHOTO | filters.Document.ALL) & ~filters.COMMAND


async def ask(update: Update, context: BotContext) -> None:
    """The parent tapped Question: invite them to write or record it."""
    query, press = update.callback_query, numeric_press(update, context, "ann")
    if query is None or press is None:
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        delivery = await session.get(Delivery, press.number)
        announcement = (
            await session.get(Announcement, delivery.announcement_id) if delivery else None
        )
    if delivery is None or announcement is None or delivery.member_id != press.member_id:
        await stale(update, context)
        return
    if context.user_data is not None:
        pending.ask(context, AWAITING, announcement.id)
    await query.answer()
    await reply(update, context.t("announce.question_prompt"))


async def question(update: Update, context: BotContext) -> None:
    """The parent's question: stored with the announcement, translated, sent to its author."""
    member, user_data = context.member, context.user_data
    if member is None or user_data is None or AWAITING not in user_data:
        return
    async with context.services.sessions() as session:
        about = await session.get(Announcement, user_data.pop(AWAITING))
    if about is None or about.status == "withdrawn":  # withdrawn meanwhile: keep it anyway
        about = None
    await keep_for_team(update, context, member, about=about)
    if about is not None and about.id is not None and context.services.sender is not None:
        context.services.sender.report_soon(about.id)
    raise ApplicationHandlerStop


async def not_understood(update: Update, context: BotContext) -> None:
    """ "I don't understand": the team hears it as a help request (language, which message)."""
    query, press = update.callback_query, numeric_press(update, context, "ann")
    services = context.services
    async with services.sessions() as session:
        delivery = await session.get(Delivery, press.number) if press else None
        announcement = (
            await session.get(Announcement, delivery.announcement_id) if delivery else None
        )
        mine = press is not None and delivery is not None and delivery.member_id == press.member_id
        if query is None or press is None or announcement is None or not mine:
            await stale(update, context)
            return
        conversation, _ = await conversations.open_conversation(
            session, parent=press.member, now=services.clock.now()
        )
        stored = InboxMessage(
            school_id=press.member.school_id, member_id=press.member_id,
            conversation_id=conversation.id, kind="help", language=press.member.language,
            announcement_id=announcement.id, created_at=services.clock.now(),
        )  # fmt: skip
        session.add(stored)
        await session.commit()
        author = await session.get(Member, announcement.author_id or 0)
        team = await conversations.team_for(session, conversation=conversation)
    await query.answer()
    await reply(update, context.t("announce.help_received"))
    if author is not None and author.status == MemberStatus.ACTIVE:
        team = [author]
    await notify_help(context, press.member, stored, announcement, team)


async def notify_help(
    context: BotContext,
    parent: Member,
    stored: InboxMessage,
    announcement: Announcement,
    team: list[Member],
) -> None:
    """Tell the team who needs help with which message, and in which language."""
    from bot.conversations.handlers import team_buttons

    catalogs = context.services.catalogs
    excerpt = cut(announcement.text, EXCERPT)
    for person in team:
        lang = catalogs.pick(person.language)
        text = catalogs.t(
            lang, "team.help_request", name=parent.first_name,
            language=catalogs.language_name(parent.language or "nl", lang), text=excerpt or "📎",
        )  # fmt: skip
        coordinator = person.role == "coordinator"
        markup = team_buttons(context, lang, stored.conversation_id, coordinator=coordinator)
        try:
            await context.bot.send_message(person.chat_id, text, reply_markup=markup)
        except TelegramError:
            log.warning("could not tell %s about a help request", person.id, exc_info=True)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The Question button and the answer that follows it; "I don't understand"."""
    app.add_handler(CallbackQueryHandler(ask, pattern=r"^ann:ask:"), group=GROUP_FEATURES)
    app.add_handler(
        CallbackQueryHandler(not_understood, pattern=r"^ann:help:"), group=GROUP_FEATURES
    )
    pending.expect(app, AWAITING, question, accepts=ANSWERS)
