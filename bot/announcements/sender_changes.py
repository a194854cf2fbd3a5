"""Changing copies already delivered: edit them in place, or take them back (withdraw)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.announcements.views import Byline, Copy
from bot.core.limits import cut
from bot.models import Announcement, Delivery, Member
from bot.pictograms.strip_sender import edit_caption, is_caption_error
from bot.telegram.ratelimit import OUTBOX
from bot.translation.status import render

if TYPE_CHECKING:
    from bot.telegram.context import BotData

MAX_ATTEMPTS = 5
QUOTE = 80  # characters of the withdrawn message quoted in the line that says so


async def edit_copy(bot: ExtBot[Any], delivery: Delivery, copy: Copy) -> None:
    """Put the new text in a delivered copy (an unchanged or vanished copy is fine)."""
    try:
        await bot.edit_message_text(
            copy.text,
            chat_id=delivery.chat_id,
            message_id=delivery.message_id,
            reply_markup=copy.markup,
            rate_limit_args=OUTBOX,
        )
    except BadRequest as err:
        if is_caption_error(err):  # the copy is the pictograms' strip with the text as caption
            await edit_caption(bot, delivery.chat_id, delivery.message_id or 0, copy.text,
                               copy.markup)  # fmt: skip
        elif "not modified" not in str(err) and "not found" not in str(err):
            raise


async def take_back(
    bot: ExtBot[Any],
    services: BotData,
    delivery: Delivery,
    member: Member,
    announcement: Announcement,
    sender: Byline,
) -> str | None:
    """Delete a withdrawn copy's messages and tell the parent in one line which message the
    school withdrew (in their language); the last error if some could not be reached."""
    ids = [int(x) for x in delivery.media_message_ids.split(",") if x]
    ids += [delivery.message_id] if delivery.message_id else []
    lang = services.catalogs.pick(member.language)
    notice = services.catalogs.t(lang, "announce.withdrawn_copy")
    line = await withdrawn_line(services, announcement, member, sender) if ids else ""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            for message_id in ids:
                await delete_or_blank(bot, delivery.chat_id, message_id, notice)
            if line:
                await bot.send_message(delivery.chat_id, line, rate_limit_args=OUTBOX)
                line = ""  # once, also when a retry follows
        except Forbidden:  # they blocked the bot: the copy is out of reach, and so are we
            return None
        except RetryAfter:
            continue
        except (NetworkError, TelegramError) as err:
            if attempt == MAX_ATTEMPTS:
                return str(err)[:300]
            await asyncio.sleep(min(0.2 * 2**attempt, 10.0))
            continue
        return None
    return "too many failures"


async def delete_or_blank(bot: ExtBot[Any], chat_id: int, message_id: int, notice: str) -> None:
    """Delete a message; Telegram lets bots delete only for 48 hours, so older ones get the notice."""
    try:
        await bot.delete_message(chat_id, message_id, rate_limit_args=OUTBOX)
    except BadRequest as err:
        if "not found" in str(err):
            return  # the parent deleted it already
        try:
            await bot.edit_message_text(
                notice, chat_id=chat_id, message_id=message_id, rate_limit_args=OUTBOX
            )
        except BadRequest:
            await bot.edit_message_caption(
                chat_id=chat_id, message_id=message_id, caption=notice, rate_limit_args=OUTBOX
            )


async def withdrawn_line(
    services: BotData, announcement: Announcement, member: Member, sender: Byline
) -> str:
    """'🗑 <author> (<classes>) withdrew this message: "<its first words>"', in the parent's
    language, quoting the copy as they read it (translated again, from the cache)."""
    lang = services.catalogs.pick(member.language)
    text = announcement.text.strip()
    if text:
        text, _ = await render(
            services.translator, text, source=announcement.language, own=member.language,
            second=member.second_language, protected=sender.protected,
        )  # fmt: skip
    start = cut(" ".join(text.split()), QUOTE)
    key = "announce.withdrawn_line" if start else "announce.withdrawn_line_media"
    classes = ", ".join(sender.classes)
    return services.catalogs.t(
        lang, key, sender=sender.who(services, lang), classes=classes, start=start
    )
