"""The 🖼 button under an announcement's preview: open the ten pictograms, tap each on or off,
Done: the strip as parents will see it, and the preview again under it."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot.announcements.draft_handlers import show_preview
from bot.announcements.handlers import preview
from bot.models import Announcement, Member
from bot.onboarding.handlers import stale
from bot.pictograms.choice import chosen, own_draft, toggle
from bot.pictograms.strip import strip_png
from bot.pictograms.views import grid
from bot.telegram.common import GROUP_FEATURES, pressed
from bot.telegram.context import BotContext

STRIPS = "pictogram_strips"  # user_data: a draft's id -> the strip photo shown to its author


async def pictogram_button(update: Update, context: BotContext) -> None:
    """Open the pictograms, toggle one, or Done (only the author's own draft, before sending)."""
    query, member, fields = update.callback_query, context.member, pressed(update, "apg", "#w")
    if query is None or member is None or fields is None:
        await stale(update, context)
        return
    draft_id, word = fields.numbers[0], fields.words[0]
    async with context.services.sessions() as session:
        if word in ("open", "done"):
            draft = await own_draft(session, announcement_id=draft_id, author_id=member.id or 0)
        else:
            draft = await toggle(
                session, announcement_id=draft_id, author_id=member.id or 0, key=word
            )
    if draft is None:
        await stale(update, context)
        return
    await query.answer()
    if word == "done":
        await back_to_preview(update, context, draft, member)
        return
    text, markup = grid(context, draft)
    await query.edit_message_text(text, reply_markup=markup)


async def back_to_preview(
    update: Update, context: BotContext, draft: Announcement, member: Member
) -> None:
    """Done: the strip (made off the event loop) and a fresh preview under it; without
    pictograms the preview comes back in place."""
    query, chat, keys = update.callback_query, update.effective_chat, chosen(draft)
    assert query is not None and chat is not None
    shown: dict[int, int] = (
        context.user_data.setdefault(STRIPS, {}) if context.user_data is not None else {}
    )
    earlier = shown.pop(draft.id or 0, None)
    if earlier is not None:  # the strip of an earlier choice would mislead: gone
        try:
            await context.bot.delete_message(chat.id, earlier)
        except BadRequest:
            pass  # the teacher deleted it already
    if not keys:
        text, markup = await preview(context, draft, member)
        await query.edit_message_text(text, reply_markup=markup)
        return
    png = await asyncio.to_thread(strip_png, keys)
    photo = await chat.send_photo(
        InputFile(png, filename="pictograms.png"), caption=context.t("pictograms.strip_caption")
    )
    shown[draft.id or 0] = photo.message_id
    await query.delete_message()  # the preview comes again, under the strip
    await show_preview(update, context, draft, member)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The pictogram buttons under a draft's preview."""
    app.add_handler(CallbackQueryHandler(pictogram_button, pattern=r"^apg:"), group=GROUP_FEATURES)
