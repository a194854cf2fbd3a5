"""Cross-cutting work before every handler: load the member, pick the language, check roles,
and answer what the flood control refused (bot/telegram/flood.py)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.core.commands import allowed
from bot.models import MemberStatus
from bot.onboarding import lookups, members
from bot.telegram.context import BotContext, Who
from bot.telegram.errors import on_error
from bot.telegram.flood import Verdict
from bot.telegram.updates import OrderedUpdateProcessor

log = logging.getLogger(__name__)


def command_of(update: Update) -> str | None:
    """The `/command` name of a text message, without bot suffix."""
    msg = update.effective_message
    if update.callback_query is not None or msg is None or not msg.text:
        return None
    if not msg.text.startswith("/"):
        return None
    return msg.text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(msg.text) > 1 else None


def refusal(update: Update, context: BotContext) -> Verdict:
    """Whether the flood control refused this update (bot/telegram/updates.py)."""
    processor = context.application.update_processor
    if isinstance(processor, OrderedUpdateProcessor):
        return processor.refusal(update)
    return Verdict.PASS


async def slow_down(update: Update, context: BotContext) -> None:
    """Tell someone who sends too much that this (and for a minute, more) was not passed on."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.t("flood.presses"))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.t("flood.messages"), do_quote=True)


async def load_member(update: Update, context: BotContext) -> None:
    """Attach the member (cached: bot/onboarding/lookups.py) and UI language; stop unauthorised
    commands, and updates the flood control refused (answering them if they are to be told)."""
    user = update.effective_user
    refused = refusal(update, context)
    if user is None or user.is_bot or refused is Verdict.DROP:
        raise ApplicationHandlerStop
    services = context.services
    try:
        member = await lookups.member_of(
            services.caches, services.sessions, school_id=services.school_id, telegram_id=user.id
        )
        if member is not None and member.status == MemberStatus.BLOCKED:
            # They wrote to us again, so they unblocked the bot.
            async with services.sessions() as session:
                member = await members.set_status(
                    session, member=member, status=MemberStatus.ACTIVE
                )
    except Exception as exc:
        # No handler may run without knowing who this is: report once and stop here.
        context.error = exc
        await on_error(update, context)
        raise ApplicationHandlerStop from exc
    lang = services.catalogs.pick(member.language if member else None, user.language_code)
    context.who = Who(member=member, lang=lang)
    if refused is Verdict.NOTICE:
        await slow_down(update, context)
        raise ApplicationHandlerStop
    command = command_of(update)
    if command and not allowed(command, member.role if member else None):
        if update.effective_message:
            await update.effective_message.reply_text(context.t("error.not_allowed"))
        raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Run `load_member` before every other handler group."""
    app.add_handler(TypeHandler(Update, load_member), group=-1)
