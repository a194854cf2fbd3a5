"""Cross-cutting work before every handler: keep everything to private chats, load the member,
pick the language, check roles, and answer what the flood control refused (bot/telegram/flood.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.core.commands import allowed
from bot.models import Member, MemberStatus
from bot.onboarding import lookups, members
from bot.telegram.context import BotContext, Who
from bot.telegram.errors import on_error
from bot.telegram.flood import Verdict
from bot.telegram.updates import OrderedUpdateProcessor

log = logging.getLogger(__name__)
GROUP_HINT_EVERY = timedelta(minutes=5)  # at most one "write to me privately" per group
HINTED_AT = "private_chat_hint_at"  # chat_data key: when this group was last pointed there
ACTIVE_KEY = "member-active-on"  # the scheduler's key for writing `member.active_on`


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


def outside_private_chat(update: Update) -> bool:
    """Whether an update comes from a group, supergroup or channel (or a press under an inline
    message, which belongs to no private chat with the bot)."""
    query = update.callback_query
    if query is not None and query.message is None:
        return query.inline_message_id is not None
    chat = update.effective_chat
    return chat is not None and chat.type != ChatType.PRIVATE


def addressed_to(update: Update, username: str) -> bool:
    """A new message that is a command (not one for another bot) or mentions `@username`."""
    msg = update.message
    text = (msg.text or msg.caption or "") if msg is not None else ""
    mention = f"@{username}".lower()
    if text.startswith("/"):
        suffix = text.split(maxsplit=1)[0].partition("@")[2].lower()
        return suffix in ("", username.lower())
    return mention in text.lower()


def may_hint(context: BotContext, now: datetime) -> bool:
    """Whether this group may be pointed to the private chat now (once per GROUP_HINT_EVERY)."""
    seen = context.chat_data
    if seen is None:
        return False
    last = seen.get(HINTED_AT)
    if isinstance(last, datetime) and now - last < GROUP_HINT_EVERY:
        return False
    seen[HINTED_AT] = now
    return True


async def in_group(update: Update, context: BotContext, lang: str) -> None:
    """Nothing personal or privileged happens outside a private chat: a press is answered with
    a short alert, a command or a mention of the bot with one line pointing to the private chat
    (throttled per group), anything else not at all."""
    catalogs, username = context.services.catalogs, context.bot.username
    if update.callback_query is not None:
        await update.callback_query.answer(catalogs.t(lang, "group.press_private"), show_alert=True)
    elif (
        update.message is not None
        and addressed_to(update, username)
        and may_hint(context, context.services.clock.now())
    ):
        link = f"https://t.me/{username}"
        await update.message.reply_text(
            catalogs.t(lang, "group.private_only", link=link), do_quote=False
        )
    raise ApplicationHandlerStop


async def load_member(update: Update, context: BotContext) -> None:
    """Attach the member (cached: bot/onboarding/lookups.py) and UI language; stop updates from
    outside private chats, unauthorised commands, and updates the flood control refused
    (answering them if they are to be told)."""
    user = update.effective_user
    refused = refusal(update, context)
    if user is None or user.is_bot or refused is Verdict.DROP:
        raise ApplicationHandlerStop
    services = context.services
    if outside_private_chat(update):
        await in_group(update, context, services.catalogs.pick(user.language_code))
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
    if member is not None:  # "last active" on the class list: at most one write a day
        await note_activity(context, member)
    if refused is Verdict.NOTICE:
        await slow_down(update, context)
        raise ApplicationHandlerStop
    command = command_of(update)
    if command and not allowed(command, member.role if member else None):
        if update.effective_message:
            await update.effective_message.reply_text(context.t("error.not_allowed"))
        raise ApplicationHandlerStop


async def note_activity(context: BotContext, member: Member) -> None:
    """Remember the member's day of use; the first waiting has them written a minute later."""
    services = context.services
    now = services.clock.now()
    if not lookups.seen(services.caches, member=member, now=now):
        return
    flush = partial(lookups.flush_active, services.caches, services.sessions)
    if services.scheduler is None:
        await flush()
    else:
        services.scheduler.at(ACTIVE_KEY, now + lookups.ACTIVE_EVERY, flush)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Run `load_member` before every other handler group."""
    app.add_handler(TypeHandler(Update, load_member), group=-1)
