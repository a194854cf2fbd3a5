"""Answer a button press and edit its message at once, without building PTB objects.

`query.answer()` plus `query.edit_message_text(...)` build an InlineKeyboardMarkup, serialise it,
and parse Telegram's answer to the edit into a `Message` with its whole keyboard, which nobody
reads: at hundreds of poll presses a second that was a quarter of the bot's work
(docs/benchmarks.md). Here the keyboard is plain data and both requests go through PTB's public
`Bot.do_api_request` (no `return_type`: Telegram's answer stays a dict), so they still pass the
rate limiter (429 pauses and retries, bot/telegram/ratelimit.py), raise the same TelegramErrors
and get the one default that matters here (no link previews, added below: `do_api_request` does
not insert `Defaults`); only the answer is not turned into objects. Presses on inline messages
(no chat message) take PTB's own methods.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.telegram.common import Button, keyboard

Rows = Sequence[Sequence[Button]]
# `do_api_request` suggests PTB's own method for every endpoint PTB knows; avoiding those methods'
# objects is the point of this module, so that advice is silenced (for these two endpoints only).
warnings.filterwarnings(
    "ignore",
    message=r"Please use 'Bot\.(answerCallbackQuery|editMessageText)' instead",
    category=PTBUserWarning,
)


def markup_of(rows: Rows) -> dict[str, Any]:
    """An inline keyboard as the Bot API's JSON."""
    return {
        "inline_keyboard": [
            [{"text": text, "callback_data": data} for text, data in row] for row in rows
        ]
    }


async def answer_and_edit(update: Update, bot: ExtBot[Any], text: str, rows: Rows | None) -> None:
    """Close the press's spinner and replace its message by `text` (with `rows` of buttons)."""
    query = update.callback_query
    if query is None:
        return
    message = query.message
    if message is None:  # an inline message: PTB knows how to address it
        markup = keyboard(rows) if rows is not None else None
        await asyncio.gather(query.answer(), query.edit_message_text(text, reply_markup=markup))
        return
    edit: dict[str, Any] = {"chat_id": message.chat.id, "message_id": message.message_id}
    edit["text"] = text
    if rows is not None:
        edit["reply_markup"] = markup_of(rows)
    defaults = bot.defaults
    if defaults is not None and defaults.link_preview_options is not None:
        edit["link_preview_options"] = defaults.link_preview_options
    await asyncio.gather(
        bot.do_api_request("answerCallbackQuery", api_kwargs={"callback_query_id": query.id}),
        bot.do_api_request("editMessageText", api_kwargs=edit),
    )
