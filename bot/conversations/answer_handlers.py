"""The team's answer reaches the parent translated, with the Dutch original one tap away."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.conversations import service as svc
from bot.core.limits import cut, split_text
from bot.models import Conversation, InboxMessage, Member, MemberStatus
from bot.onboarding import members
from bot.onboarding.handlers import stale
from bot.telegram.common import GROUP_FEATURES, keyboard, numeric_press
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


async def deliver_answer(
    context: BotContext, conversation: Conversation, parent: Member, author: Member, text: str
) -> bool:
    """Translate, store and send an answer; False if the parent cannot be reached (it stays stored)."""
    services = context.services
    lang = services.catalogs.pick(parent.language)
    body, machine = text, False
    if services.translator is not None and text.strip():
        result = await services.translator.translate_for(
            text, source=services.settings.default_language,
            languages=[x for x in (parent.language, parent.second_language) if x],
            protected=[author.first_name, parent.first_name],
        )  # fmt: skip
        body, machine = result.text, result.machine
    shown = services.catalogs.t(lang, "conversation.answer", sender=author.first_name, text=body)
    if machine:
        shown += "\n\n" + services.catalogs.t(lang, "announce.machine_mark")
    async with services.sessions() as session:
        stored = await svc.record_answer(
            session, conversation=conversation, author=author, text=text, text_parent=shown,
            language=parent.language or "nl", now=services.clock.now(),
        )  # fmt: skip
    markup = (
        original_button(context, lang, stored.id or 0, showing_original=False) if machine else None
    )
    *before, last = split_text(shown)  # a long answer in parts: nothing is lost
    try:
        for part in before:
            await context.bot.send_message(parent.chat_id, part)
        await context.bot.send_message(parent.chat_id, last, reply_markup=markup)
    except Forbidden:
        async with services.sessions() as session:
            await members.set_status(session, member=parent, status=MemberStatus.BLOCKED)
        return False
    except TelegramError:
        log.warning("could not deliver an answer to parent %s", parent.id, exc_info=True)
        return False
    return True


def original_button(
    context: BotContext, lang: str, message_id: int, *, showing_original: bool
) -> InlineKeyboardMarkup:
    """🔤 Original / 🌍 Translation under an answer."""
    t = context.services.catalogs.t
    key, verb = (
        ("announce.button_translation", "tr")
        if showing_original
        else ("announce.button_original", "orig")
    )
    return keyboard([[(t(lang, key), f"cans:{verb}:{message_id}")]])


async def toggle(update: Update, context: BotContext) -> None:
    """The parent switches an answer between the translation and the Dutch original."""
    query, press = update.callback_query, numeric_press(update, context, "cans")
    async with context.services.sessions() as session:
        message = await session.get(InboxMessage, press.number) if press else None
        author = (
            await session.get(Member, message.author_id) if message and message.author_id else None
        )
    if query is None or press is None or message is None or message.member_id != press.member_id:
        await stale(update, context)
        return
    original = press.action == "orig"
    lang = context.services.catalogs.pick(press.member.language)
    text = (
        context.services.catalogs.t(
            lang,
            "conversation.answer",
            sender=author.first_name if author else "",
            text=message.text,
        )
        if original
        else message.text_parent or message.text
    )
    await query.answer()
    markup = original_button(context, lang, message.id or 0, showing_original=original)
    await query.edit_message_text(cut(text), reply_markup=markup)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The Original/Translation switch under answers."""
    app.add_handler(CallbackQueryHandler(toggle, pattern=r"^cans:(orig|tr):"), group=GROUP_FEATURES)
