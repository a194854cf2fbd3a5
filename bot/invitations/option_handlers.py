"""An invitation's options before the preview: picture, map location, children, interpreter, thank-you poll."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, filters

from bot.announcements.draft_handlers import show_preview
from bot.invitations import service as inv
from bot.invitations import wording
from bot.invitations.copy_views import loaded_templates
from bot.models import Announcement, AnnouncementStatus, Event
from bot.onboarding.handlers import stale
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, keyboard, numeric_press, reply
from bot.telegram.context import BotContext

EXTRAS = "awaiting_event_extras"  # the organiser may send a photo or a location now
TOGGLES = {"kids": "children_welcome", "lang": "interpreter_offered", "thanks": "thank_you"}


def templates(context: BotContext) -> dict[str, inv.Template]:
    """The invitation templates (flows/invitations/templates.yaml), read once."""
    return loaded_templates(context.services)


def compose(context: BotContext, event: Event) -> str:
    """The invitation's Dutch text, from the event (the original parents can tap to)."""
    services = context.services
    template = templates(context).get(event.template)
    return wording.invitation_text(
        event, emoji=template.emoji if template else inv.OWN_EMOJI,
        words=(event.title, event.description, event.place), t=services.catalogs.t,
        lang=services.settings.default_language, tz=services.settings.tz,
    )  # fmt: skip


def options_keyboard(context: BotContext, event: Event, announcement: Announcement) -> InlineKeyboardMarkup:  # fmt: skip
    """One toggle per option (✅ on, ⬜ off), "no picture" when there is one, and Preview."""
    n = event.announcement_id
    rows = [
        [
            (
                ("✅ " if getattr(event, field) else "⬜ ") + context.t(f"event.option_{key}"),
                f"evo:{key}:{n}",
            )
        ]
        for key, field in TOGGLES.items()
    ]
    if announcement.file_id:
        rows.append([(context.t("event.option_nopic"), f"evo:nopic:{n}")])
    if event.latitude is not None:
        rows.append([(context.t("event.option_nomap"), f"evo:nomap:{n}")])
    rows.append([(context.t("event.option_preview"), f"evo:ok:{n}")])
    return keyboard(rows)


async def show(update: Update, context: BotContext, event: Event, draft: Announcement, picture: Path | None) -> None:  # fmt: skip
    """The template's picture (uploaded once; its file id serves every parent), then the options."""
    chat = update.effective_chat
    if chat is None:
        return
    if picture is not None:
        sent = await chat.send_photo(
            InputFile(await asyncio.to_thread(picture.read_bytes), filename=picture.name),
            caption=context.t("event.picture_caption"),
        )
        draft.file_id = sent.photo[-1].file_id if sent.photo else None
        async with context.services.sessions() as session:
            session.add(draft)
            await session.commit()
    pending.ask(context, EXTRAS, event.announcement_id)
    await reply(update, context.t("event.options"), options_keyboard(context, event, draft))


async def _own_draft(context: BotContext, announcement_id: int) -> tuple[Event, Announcement] | None:  # fmt: skip
    """The organiser's invitation, while it is still a draft."""
    member = context.member
    async with context.services.sessions() as session:
        announcement = await session.get(Announcement, announcement_id)
        event = await inv.event_of(session, announcement_id=announcement_id)
    if member is None or announcement is None or event is None:
        return None
    if announcement.author_id != member.id or announcement.status != AnnouncementStatus.DRAFT:
        return None
    return event, announcement


async def _save(context: BotContext, event: Event, announcement: Announcement) -> None:
    """Store the options and write the Dutch text again from them."""
    announcement.text = compose(context, event)
    async with context.services.sessions() as session:
        session.add(event)
        session.add(announcement)
        await session.commit()


async def toggle(update: Update, context: BotContext) -> None:
    """A toggle, "no picture", "no map", or Preview under the options."""
    query, press = update.callback_query, numeric_press(update, context, "evo")
    found = await _own_draft(context, press.number) if press else None
    if query is None or press is None or found is None:
        await stale(update, context)
        return
    event, announcement = found
    await query.answer()
    if press.action == "ok":
        pending.drop_all(context)
        assert context.member is not None
        await show_preview(update, context, announcement, context.member)
        return
    if press.action in TOGGLES:
        field = TOGGLES[press.action]
        setattr(event, field, not getattr(event, field))
    elif press.action == "nopic":
        announcement.file_id = None
    elif press.action == "nomap":
        event.latitude = event.longitude = None
    await _save(context, event, announcement)
    await query.edit_message_reply_markup(options_keyboard(context, event, announcement))


async def extra(update: Update, context: BotContext) -> None:
    """A photo (the invitation's picture) or a location (for the map) while the options are open."""
    msg, user_data = update.effective_message, context.user_data
    if msg is None or user_data is None or EXTRAS not in user_data:
        return
    found = await _own_draft(context, int(user_data[EXTRAS]))
    if found is None:
        user_data.pop(EXTRAS, None)
        return
    event, announcement = found
    if msg.photo:
        announcement.file_id, key = msg.photo[-1].file_id, "event.picture_set"
    elif msg.location:
        event.latitude, event.longitude = msg.location.latitude, msg.location.longitude
        key = "event.location_set"
    else:
        key = "event.options_hint"
    await _save(context, event, announcement)
    await reply(update, context.t(key), options_keyboard(context, event, announcement))
    raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The option buttons, and the photo or location the organiser sends meanwhile."""
    app.add_handler(CallbackQueryHandler(toggle, pattern=r"^evo:"), group=GROUP_FEATURES)
    accepts = filters.PHOTO | filters.LOCATION | (filters.TEXT & ~filters.COMMAND)
    pending.expect(app, EXTRAS, extra, accepts=accepts)
