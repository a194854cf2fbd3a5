"""Small helpers shared by every capability's handlers: keyboards, replies, handler groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.core.limits import MAX_ROW_ID, whole_number
from bot.models import Member
from bot.telegram.context import BotContext

Button = tuple[str, str]  # (label, callback data)

# Handler groups. In each group only the first matching handler runs, and groups run in order:
# -1 the middleware (bot/telegram/middleware.py), then answers to a question the bot just asked (they stop
# the update when they apply) and, beside them, edited messages (which stop there: never handled as
# new ones, bot/conversations/fallback_handlers.py), then the features, catch-alls registered last.
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
        try:
            await query.edit_message_text(text)
        except BadRequest as err:  # pressed twice: the message says so already
            if "not modified" not in str(err):
                raise


@dataclass(frozen=True)
class Fields:
    """Button data that passed `parse_button`: its words and its numbers, each in order."""

    words: tuple[str, ...]
    numbers: tuple[int, ...]


def parse_button(data: str | None, verb: str, shape: str) -> Fields | None:
    """The one reader of button data: `verb:a:b...` with one field per letter of `shape`.

    `#` a number (ASCII digits within the database's 64-bit range: bot/core/limits.py), `w` a
    word (not empty), `*` a text that may be empty. None if the verb, the number of fields or a
    field is wrong: the press is answered as stale (bot/onboarding/handlers.py `stale`).
    """
    fields = (data or "").split(":")
    if fields[0] != verb or len(fields) != len(shape) + 1:
        return None
    words: list[str] = []
    numbers: list[int] = []
    for kind, field in zip(shape, fields[1:], strict=True):
        if kind == "#":
            number = whole_number(field, high=MAX_ROW_ID)
            if number is None:
                return None
            numbers.append(number)
        elif kind == "*" or (kind == "w" and field):
            words.append(field)
        else:
            return None
    return Fields(tuple(words), tuple(numbers))


def pressed(update: Update, verb: str, shape: str) -> Fields | None:
    """`parse_button` of the update's button press (None if it is no press)."""
    query = update.callback_query
    return parse_button(query.data if query else None, verb, shape)


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
    fields, member = pressed(update, verb, "w#"), context.member
    if fields is None or member is None or member.id is None:
        return None
    return Press(fields.words[0], fields.numbers[0], member=member, member_id=member.id)


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


async def stale(update: Update, context: BotContext) -> None:
    """A button that no longer means anything: say so instead of failing."""
    query = update.callback_query
    if query is not None:
        await query.answer(context.t("error.stale_button"), show_alert=True)
