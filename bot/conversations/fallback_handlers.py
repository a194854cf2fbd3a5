"""Everything no other handler took: unknown commands, stray text, parents' messages, old buttons."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.announcements import draft_handlers as drafts
from bot.conversations import handlers as conversations
from bot.models import Role
from bot.onboarding.handlers import PICKING_LANGUAGE, stale
from bot.polls import choice_handlers as poll_choice
from bot.polls import free_text_handlers as poll_free_text
from bot.telegram.common import GROUP_FEATURES, GROUP_PENDING, reply
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A /command we do not know."""
    await reply(update, context.t("error.unknown_command"))


async def free_message(update: Update, context: BotContext) -> None:
    """A parent's own message is kept for the team; others get a pointer to /help."""
    member, msg = context.member, update.effective_message
    if msg is None:
        return
    if member is None:
        picking = context.user_data is not None and context.user_data.get(PICKING_LANGUAGE)
        await reply(update, context.t("error.use_buttons" if picking else "start.no_code"))
        return
    if await poll_choice.claimed(update, context):  # maybe own words for a poll: the parent chooses
        return
    if member.role != Role.PARENT:
        await drafts.draft_from_message(update, context)
        return
    await conversations.keep_for_team(update, context, member)


async def edited(update: Update, context: BotContext) -> None:
    """A changed message: a draft not sent yet takes the new text; otherwise a short note (in a
    private chat) that changes are not passed on. Never handled as a new message."""
    msg = update.effective_message
    if msg is None or msg.chat.type != ChatType.PRIVATE or await drafts.edit_draft(update, context):
        raise ApplicationHandlerStop
    if await poll_free_text.edited_answer(update, context):  # anonymous words: nobody gets it
        raise ApplicationHandlerStop
    if msg.text or msg.caption:  # a live location moving is an edit too: no note for that
        await reply(update, context.t("edit.not_passed_on"))
    raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Catch-all handlers: registered last, so they only see what no feature took; edited
    messages are taken before everything else (in the pending group, whose router ignores them)."""
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited), group=GROUP_PENDING)
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command), group=GROUP_FEATURES)
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, free_message),
        group=GROUP_FEATURES,
    )
    app.add_handler(CallbackQueryHandler(stale), group=GROUP_FEATURES)
