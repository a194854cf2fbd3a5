"""Small helpers shared by every capability's handlers: keyboards, replies, handler groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.models import Member
from bot.telegram.context import BotContext

Button = tuple[str, str]  # (label, callback data)

# Handler groups. In each group only the first matching handler runs, and groups run in order:
# -1 the middleware (bot/telegram/middleware.py), then answers to a question the bot just asked (they stop
# the update when they apply), then the features, with the catch-alls registered last.
GROUP_PENDING = 0
GROUP_FEATURES = 1


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def in_columns(buttons: Sequence[Button], columns: int) -> list[list[Button]]:
    """Lay buttons out in rows of `columns`."""
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer in the chat the update came from."""
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(text, reply_markup=markup)


async def done_with_buttons(update: Update, context: BotContext, text: str | None = None) -> None:
    """Acknowledge a button press: close the spinner and replace the buttons by `text`."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if text is not None and query.message is not None:
        await query.edit_message_text(text)


def parse_callback(data: str | None, verb: str, parts: int) -> list[str] | None:
    """Split `verb:a:b` callback data into `parts` fields, or None if it is not well formed."""
    if not data:
        return None
    fields = data.split(":", parts)
    if fields[0] != verb or len(fields) != parts + 1:
        return None
    return fields[1:]


def require_member(context: BotContext) -> Member:
    """The current member; the callers are only reachable by members."""
    member = context.member
    if member is None:
        raise LookupError("no member for this update")
    return member


@dataclass(frozen=True)
class Press:
    """A well-formed `verb:action:<number>` button press by a known member."""

    action: str
    number: int
    member: Member
    member_id: int


def numeric_press(update: Update, context: BotContext, verb: str) -> Press | None:
    """Parse a `verb:action:<number>` press; None (to be answered as stale) if malformed."""
    query, member = update.callback_query, context.member
    fields = parse_callback(query.data if query else None, verb, 2)
    if fields is None or not fields[1].isdigit() or member is None or member.id is None:
        return None
    return Press(action=fields[0], number=int(fields[1]), member=member, member_id=member.id)


def kind_and_file(update: Update) -> tuple[str | None, str | None]:
    """What a parent sent, and the Telegram file id if it has one."""
    msg = update.effective_message
    if msg is None:
        return None, None
    if msg.photo:
        return "photo", msg.photo[-1].file_id
    if msg.voice:
        return "voice", msg.voice.file_id
    if msg.document:
        return "document", msg.document.file_id
    if msg.text:
        return "text", None
    return None, None
