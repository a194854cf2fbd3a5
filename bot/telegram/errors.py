"""The error handler: log every failure with its update id, answer kindly in the user's language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.telegram.context import BotContext

log = logging.getLogger("ouderbrug.errors")


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the user something went wrong, without losing their data."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handler failed for update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    lang = context.who.lang if context.who else None
    if lang is None and update.effective_user is not None:
        lang = context.bot_data.catalogs.pick(update.effective_user.language_code)
    text = context.bot_data.catalogs.t(lang, "error.generic")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None:
            await update.effective_chat.send_message(text)
    except TelegramError:
        log.warning("could not tell the user about the failure of update %s", update_id)
