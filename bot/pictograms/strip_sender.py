"""The strip on its way to parents: drawn once per announcement, uploaded once (every later copy
reuses Telegram's file_id), with a short text as its caption, else right before the text.

A copy whose text rides as the caption is a photo message: its edits (a changed announcement, a
reviewer's correction, the 🔤 Original button) change the caption (`edit_in_place`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.announcements.views import Copy
from bot.core.limits import CAPTION_LIMIT, cut, utf16_len
from bot.models import Announcement
from bot.pictograms.choice import chosen
from bot.pictograms.strip import strip_png
from bot.telegram.ratelimit import OUTBOX

NO_TEXT = "there is no text in the message to edit"


class Strips:
    """The strip of each announcement being sent, and its file_id once Telegram has it."""

    def __init__(self, bot: ExtBot[Any]) -> None:
        self.bot = bot
        self._file_ids: dict[int, str] = {}
        self._uploads: dict[int, asyncio.Lock] = {}

    @staticmethod
    def carries(announcement: Announcement, copy: Copy) -> bool:
        """Whether a text announcement's copy fits under the strip as its caption (1,024
        characters, in one part); longer ones follow the strip as a text message."""
        return (
            announcement.kind == "text"
            and not copy.before
            and utf16_len(copy.text) <= CAPTION_LIMIT
        )

    async def send(self, chat: int, announcement: Announcement, copy: Copy | None) -> list[int]:
        """Send the strip (with the copy as caption and its buttons, if given); its message id.
        The first copy uploads the picture while the others wait, then all reuse its file_id."""
        key = announcement.id or 0
        extra: dict[str, Any] = {}
        if copy is not None:
            extra = {"caption": copy.text, "reply_markup": copy.markup}
        if key not in self._file_ids:
            async with self._uploads.setdefault(key, asyncio.Lock()):
                if key not in self._file_ids:
                    png = await asyncio.to_thread(strip_png, chosen(announcement))
                    picture = InputFile(png, filename="pictograms.png")
                    sent = await self.bot.send_photo(chat, picture, **extra, rate_limit_args=OUTBOX)
                    self._file_ids[key] = sent.photo[-1].file_id
                    return [sent.message_id]
        sent = await self.bot.send_photo(chat, self._file_ids[key], **extra, rate_limit_args=OUTBOX)
        return [sent.message_id]


async def edit_caption(
    bot: ExtBot[Any], chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup
) -> None:
    """Put a copy's new text under its strip (a longer one is shortened, marked with '…')."""
    await bot.edit_message_caption(
        chat_id=chat_id, message_id=message_id, caption=cut(text, CAPTION_LIMIT),
        reply_markup=markup, rate_limit_args=OUTBOX,
    )  # fmt: skip


async def edit_in_place(message: Any, text: str, markup: InlineKeyboardMarkup) -> None:
    """Change a copy shown to the parent: its text, or its caption when it is the strip."""
    if isinstance(message, Message) and message.photo:
        if utf16_len(text) > CAPTION_LIMIT:  # too long to go under the strip: as a new message
            await message.reply_text(text)
            return
        await message.edit_caption(caption=text, reply_markup=markup)
        return
    await message.edit_text(text, reply_markup=markup)


def is_caption_error(err: BadRequest) -> bool:
    """Telegram refused to edit a text because the copy is a photo with a caption."""
    return NO_TEXT in str(err).lower()
