"""Answers to a question the bot just asked ("type the new name", "type the time", "your question").

A feature asks by putting its key in `user_data`; the next message of that person goes to the
feature's input handler instead of the usual handlers. One router in the pending group tries the
routes in the order they were registered; /cancel drops every pending question.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, MessageHandler, filters
from telegram.ext.filters import BaseFilter

from bot.telegram.common import GROUP_PENDING
from bot.telegram.context import BotContext, InputHandler, Route

TEXT = filters.TEXT & ~filters.COMMAND
# New messages only: an edited message answers no question (bot/conversations/fallback_handlers.py).
ANSWERS = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND


def expect(app: Application[Any, Any, Any, Any, Any, Any], key: str, handler: InputHandler, *, accepts: BaseFilter = TEXT) -> None:  # fmt: skip
    """Route the next message of someone with `key` in their user_data to `handler`."""
    routes: list[Route] = app.bot_data.input_routes
    if not routes:
        app.add_handler(MessageHandler(ANSWERS, _route), group=GROUP_PENDING)
    routes.append(Route(key, accepts, handler))


async def _route(update: Update, context: BotContext) -> None:
    """Hand the message to the first route whose question is pending and that accepts it."""
    user_data = context.user_data
    if not user_data:
        return
    for route in context.services.input_routes:
        if route.key in user_data and route.accepts.check_update(update):
            await route.handler(update, context)
            return


def drop_all(context: BotContext) -> None:
    """Forget every pending question of this person (/cancel, /forget)."""
    if context.user_data is not None:
        for route in context.services.input_routes:
            context.user_data.pop(route.key, None)


def ask(context: BotContext, key: str, value: object) -> None:
    """The bot asks a question: the next message answers it (and no earlier question)."""
    drop_all(context)
    if context.user_data is not None:
        context.user_data[key] = value
