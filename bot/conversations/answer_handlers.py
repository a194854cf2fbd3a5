"""The team's answer reaches the parent translated, with the Dutch original one tap away; or,
without a translation, with a line saying so; and the author is told which it was."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.conversations import service as svc
from bot.core.limits import cut, split_text
from bot.families.service import children
from bot.models import Conversation, InboxMessage, Member, MemberStatus, School
from bot.onboarding import members
from bot.onboarding.handlers import stale
from bot.read_aloud.jobs import after_text
from bot.telegram.common import GROUP_FEATURES, keyboard, numeric_press
from bot.telegram.context import BotContext
from bot.translation.status import Outcome, plan, render
from bot.translation.status_views import note, one

log = logging.getLogger(__name__)


async def deliver_answer(
    context: BotContext,
    conversation: Conversation,
    parent: Member,
    author: Member,
    text: str,
    *,
    family: tuple[int, str] | None = None,
    photo: str | None = None,
    voice: str | None = None,
    transcribed: bool = False,
) -> Outcome | None:
    """Translate, store and send an answer: what the parent got (their language, a second one,
    or the Dutch text and why); None if the parent cannot be reached (it stays stored).
    `family` (id, children's names): the team writes first to that family, not an answer;
    `photo`/`voice`: a Telegram file id sent just before the (translated) text; `transcribed`:
    the text is a machine transcription of that voice."""
    services = context.services
    lang = services.catalogs.pick(parent.language)
    body, outcome = await render(
        services.translator, text, source=services.settings.default_language,
        own=parent.language, second=parent.second_language,
        protected=[author.first_name, parent.first_name],
    )  # fmt: skip
    spoken = heading(context, lang, author.first_name, body, family[1] if family else None)
    shown = "\n".join(x for x in (note(services.catalogs, outcome), spoken) if x)
    if transcribed:
        shown += "\n\n" + services.catalogs.t(lang, "conversation.voice_transcribed")
    if outcome.machine:
        shown += "\n\n" + services.catalogs.t(lang, "announce.machine_mark")
    async with services.sessions() as session:
        stored = await svc.record_answer(
            session, conversation=conversation, author=author, text=text, text_parent=shown,
            language=parent.language or "nl", now=services.clock.now(),
            family_id=family[0] if family else None, file_id=photo or voice,
            kind="voice" if voice else "photo",
        )  # fmt: skip
    markup = (
        original_button(context, lang, stored.id or 0, showing_original=False)
        if outcome.machine
        else None
    )
    *before, last = split_text(shown)  # a long answer in parts: nothing is lost
    try:
        if photo is not None:
            await context.bot.send_photo(parent.chat_id, photo)
        if voice is not None:
            await context.bot.send_voice(parent.chat_id, voice)
        for part in before:
            await context.bot.send_message(parent.chat_id, part)
        await context.bot.send_message(parent.chat_id, last, reply_markup=markup)
    except Forbidden:
        async with services.sessions() as session:
            await members.set_status(session, member=parent, status=MemberStatus.BLOCKED)
        return None
    except TelegramError:
        log.warning("could not deliver an answer to parent %s", parent.id, exc_info=True)
        return None
    after_text(services, parent, spoken, language=outcome.language, personal=True)  # 🔊
    return outcome


def heading(context: BotContext, lang: str, sender: str, text: str, children: str | None) -> str:
    """'Answer from <sender>:' or, written first to a family, 'Message from <sender> about <children>:'."""
    t = context.services.catalogs.t
    if children is None:
        return t(lang, "conversation.answer", sender=sender, text=text)
    return t(lang, "families.message_from", sender=sender, children=children, text=text)


def prompt(context: BotContext, parent: Member) -> str:
    """Asking for the answer: to whom, the parent's language, and whether it can be translated."""
    services = context.services
    language = services.catalogs.language_name(parent.language or "nl", context.lang)
    ask = context.t("inbox.answer_prompt", name=parent.first_name, language=language)
    outcome = plan(
        services.translator, source=services.settings.default_language,
        own=parent.language, second=parent.second_language,
    )  # fmt: skip
    return "\n".join(x for x in (ask, one(services.catalogs, context.lang, outcome)) if x)


def confirmation(context: BotContext, parent: Member, outcome: Outcome | None) -> str:
    """The author's confirmation: delivered, in which language and why; or not delivered."""
    if outcome is None:
        return context.t("inbox.answer_blocked", name=parent.first_name)
    sent = context.t("inbox.answer_sent", name=parent.first_name)
    return "\n".join(x for x in (sent, one(context.services.catalogs, context.lang, outcome)) if x)


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
        school = await session.get(School, message.school_id) if message else None
        kids = (
            await children(session, family_ids=[message.family_id])
            if message and message.family_id
            else []
        )
    if query is None or press is None or message is None or message.member_id != press.member_id:
        await stale(update, context)
        return
    original = press.action == "orig"
    lang = context.services.catalogs.pick(press.member.language)
    sender = (  # after the author's /forget the answer is the school's, as in the stored copy
        author.first_name if author else school.name if school and school.name else ""
    ) or context.services.catalogs.t(lang, "conversation.the_team")
    about = ", ".join(child.label for child in kids) if message.family_id else None
    text = (
        heading(context, lang, sender, message.text, about)
        if original
        else message.text_parent or message.text
    )
    await query.answer()
    markup = original_button(context, lang, message.id or 0, showing_original=original)
    await query.edit_message_text(cut(text), reply_markup=markup)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The Original/Translation switch under answers."""
    app.add_handler(CallbackQueryHandler(toggle, pattern=r"^cans:(orig|tr):"), group=GROUP_FEATURES)
