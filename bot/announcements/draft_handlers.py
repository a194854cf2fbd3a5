"""Drafts: a team member's message (text, photo, album, PDF, voice note) becomes a previewed draft."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.announcements import service as svc
from bot.announcements.handlers import preview
from bot.conversations.transcript_jobs import hear
from bot.models import Announcement, Member
from bot.telegram.common import reply
from bot.telegram.context import BotContext

DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
SOURCES = "draft_sources"  # user_data: the author's message id -> the draft made from it
KEPT_SOURCES = 20


async def draft_from_message(update: Update, context: BotContext) -> None:
    """A team member's own message becomes a draft announcement with a preview."""
    member, msg = context.member, update.effective_message
    if member is None or msg is None:
        return
    if msg.media_group_id and msg.photo:
        await album_item(update, context, member, msg.media_group_id, msg.photo[-1].file_id)
        return
    kind, file_id, file_name = "text", None, None
    if msg.photo:
        kind, file_id = "photo", msg.photo[-1].file_id
    elif msg.voice:
        kind, file_id = "voice", msg.voice.file_id
    elif msg.document and (msg.document.mime_type or "") in DOCUMENT_TYPES:
        kind, file_id, file_name = "document", msg.document.file_id, msg.document.file_name
    elif not msg.text:
        await unsupported(update, context)
        return
    services = context.services
    text = msg.text or msg.caption or ""
    if kind == "voice" and not text and file_id:  # spoken: its Dutch words (with a model)
        school_lang = services.settings.default_language
        heard = await hear(services, context.bot, file_id, school_lang)
        # Marked in the text itself, so the preview, the Dutch original and every translated copy
        # say it was transcribed by machine and may contain errors.
        text = services.catalogs.t(school_lang, "team.transcribed", text=heard[0]) if heard else ""
    async with services.sessions() as session:
        classes = await svc.audience_classes(session, member=member)
        if not await has_audience(update, context, session, classes):
            return
        draft = await svc.create_draft(
            session, author=member, classes=classes, kind=kind, text=text,
            now=services.clock.now(), file_id=file_id, file_name=file_name,
        )  # fmt: skip
    remember_source(context, msg.message_id, draft.id)
    await show_preview(update, context, draft, member)


def remember_source(context: BotContext, message_id: int, draft_id: int | None) -> None:
    """Which draft the author's message became (the last few): an edit of it changes the draft."""
    if context.user_data is None or draft_id is None:
        return
    sources: dict[int, int] = context.user_data.setdefault(SOURCES, {})
    sources[message_id] = draft_id
    while len(sources) > KEPT_SOURCES:
        sources.pop(next(iter(sources)))


async def edit_draft(update: Update, context: BotContext) -> bool:
    """An edited message that became a draft not sent yet: the draft takes the new text."""
    member, msg, user_data = context.member, update.effective_message, context.user_data
    draft_id = (user_data or {}).get(SOURCES, {}).get(msg.message_id) if msg else None
    if member is None or msg is None or draft_id is None:
        return False
    async with context.services.sessions() as session:
        changed = await svc.change_unsent_text(
            session, announcement_id=draft_id, author_id=member.id or 0,
            text=msg.text or msg.caption or "",
        )  # fmt: skip
    if changed is None:
        return False
    await reply(update, context.t("edit.draft_updated"))
    return True


async def unsupported(update: Update, context: BotContext) -> None:
    """What the bot cannot pass on (a video, a sticker, ...): once per album, with what it can."""
    msg, seen = update.effective_message, context.user_data
    group = msg.media_group_id if msg else None
    if group and seen is not None:
        if seen.get("unsupported_album") == group:
            return
        seen["unsupported_album"] = group
    await reply(update, context.t("announce.unsupported_file"))


async def has_audience(
    update: Update, context: BotContext, session: Any, classes: list[Any]
) -> bool:
    """The author has classes with parents in them (else a clear answer)."""
    if not classes:
        await reply(update, context.t("announce.no_class"))
        return False
    school_id = context.services.school_id
    if not await svc.recipients(
        session, school_id=school_id, class_ids=[c.id for c in classes if c.id]
    ):
        names = ", ".join(c.name for c in classes)
        await reply(update, context.t("announce.no_parents", classes=names))
        return False
    return True


async def show_preview(
    update: Update, context: BotContext, draft: Announcement, member: Member
) -> None:
    """Send the preview and remember it: album photos arriving later update it in place."""
    text, markup = await preview(context, draft, member)
    chat = update.effective_chat
    if chat is None:
        return
    sent = await chat.send_message(text, reply_markup=markup)
    draft.report_message_id = sent.message_id
    async with context.services.sessions() as session:
        await svc.remember_report(
            session, announcement_id=draft.id or 0, message_id=sent.message_id
        )


async def album_item(
    update: Update, context: BotContext, member: Member, group: str, file_id: str
) -> None:
    """One photo of an album: the first starts a draft, the next ones join it (up to 10)."""
    msg, services = update.effective_message, context.services
    caption = msg.caption if msg else None
    async with services.sessions() as session:
        draft = await svc.album_draft(session, author_id=member.id or 0, media_group=group)
        if draft is None:
            classes = await svc.audience_classes(session, member=member)
            if not await has_audience(update, context, session, classes):
                return
            draft = await svc.create_draft(
                session, author=member, classes=classes, kind="album", text=caption or "",
                now=services.clock.now(), album=[file_id], media_group=group,
            )  # fmt: skip
            remember_source(context, msg.message_id if msg else 0, draft.id)
            await show_preview(update, context, draft, member)
            return
        if not await svc.add_to_album(session, draft=draft, file_id=file_id, caption=caption):
            return
    remember_source(context, msg.message_id if msg else 0, draft.id)
    if draft.report_message_id and update.effective_chat:
        text, markup = await preview(context, draft, member)
        await context.bot.edit_message_text(
            text, chat_id=update.effective_chat.id, message_id=draft.report_message_id,
            reply_markup=markup,
        )  # fmt: skip
