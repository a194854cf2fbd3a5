"""💬 Question under an announcement: the parent writes or speaks in their language; the author reads Dutch."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, filters

from bot.context import BotContext
from bot.features import pending
from bot.features.common import GROUP_FEATURES, numeric_press, reply
from bot.features.fallback import keep_for_team
from bot.features.onboarding import stale
from bot.models import Announcement, Delivery

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
        context.user_data[AWAITING] = announcement.id
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


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The Question button and the answer that follows it."""
    app.add_handler(CallbackQueryHandler(ask, pattern=r"^ann:ask:"), group=GROUP_FEATURES)
    pending.expect(app, AWAITING, question, accepts=ANSWERS)
