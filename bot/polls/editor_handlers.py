"""✏️ Adapt a poll: coordinators make the school's own copy of a flow and change it in the bot.

Buttons are `pa:<action>:<own poll id>[:question[:option]]`; typed texts (Dutch) come back
through bot/telegram/pending.py and are translated into every UI language before they are saved.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler

from bot.models import Member
from bot.onboarding.handlers import stale
from bot.polls import editor as svc
from bot.polls import flow_edits as edits
from bot.polls.editor_views import language_names, overview, question_view
from bot.polls.handlers import DEFAULT_DAYS, closing, coordinator
from bot.polls.views import local, preview
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, keyboard, pressed, reply
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)
EDITING = "poll_edit"  # user_data: (own poll id, what is being typed) while the coordinator types
Action = Callable[[Update, BotContext, Member, list[str]], Awaitable[None]]


async def _own(context: BotContext, own_id: int) -> svc.Own:
    services = context.services
    async with services.sessions() as session:
        return await svc.get_own(
            session, school_id=services.school_id, own_id=own_id,
            languages=services.catalogs.languages,
        )  # fmt: skip


async def _change(context: BotContext, own_id: int, edit: Callable[[edits.Raw], None]) -> svc.Own:
    services = context.services
    async with services.sessions() as session:
        return await svc.change(
            session, school_id=services.school_id, own_id=own_id, edit=edit,
            languages=services.catalogs.languages, now=services.clock.now(),
        )  # fmt: skip


async def _show(update: Update, view: tuple[str, InlineKeyboardMarkup]) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    try:
        await query.edit_message_text(view[0], reply_markup=view[1])
    except BadRequest as err:  # a second press on what is already shown
        if "not modified" not in str(err):
            raise


async def adapt(update: Update, context: BotContext, member: Member, args: list[str]) -> None:
    """✏️ Adapt under a shipped flow: the school's own copy, shown as a list."""
    services = context.services
    flow = services.flows.get(args[0])
    if flow is None or flow.audience != "classes":  # the thank-you poll is not adapted here
        raise edits.EditError("error.stale_button")
    async with services.sessions() as session:
        own = await svc.adapt(
            session, school_id=services.school_id, flow=flow, author_id=member.id,
            languages=services.catalogs.languages, now=services.clock.now(),
        )  # fmt: skip
    log.info("own poll %s adapted from %s by member %s", own.id, flow.id, member.id)
    await _show(update, overview(context, own))


async def duplicate(update: Update, context: BotContext, member: Member, args: list[str]) -> None:
    """📄 Copy: a new editable own poll (also of one already launched), in a new message."""
    services = context.services
    async with services.sessions() as session:
        own = await svc.duplicate(
            session, school_id=services.school_id, own_id=int(args[0]), author_id=member.id,
            languages=services.catalogs.languages, now=services.clock.now(),
        )  # fmt: skip
    assert update.callback_query is not None
    await update.callback_query.answer()
    await reply(update, *overview(context, own))


async def show(update: Update, context: BotContext, member: Member, args: list[str]) -> None:
    """The list of an own poll, or one question (`pa:v`, `pa:q`)."""
    own = await _own(context, int(args[0]))
    view = question_view(context, own, args[1]) if len(args) > 1 else overview(context, own)
    await _show(update, view)


async def toggle(update: Update, context: BotContext, member: Member, args: list[str]) -> None:
    """✅/🚫: keep a question or leave it out."""
    own = await _change(context, int(args[0]), lambda raw: edits.toggle_question(raw, args[1]))
    await _show(update, overview(context, own))


async def remove(update: Update, context: BotContext, member: Member, args: list[str]) -> None:
    """🗑 next to an answer: leave it out."""
    own = await _change(
        context, int(args[0]), lambda raw: edits.remove_option(raw, args[1], args[2])
    )
    await _show(update, question_view(context, own, args[1]))


async def ask_text(update: Update, context: BotContext, member: Member, args: list[str]) -> None:
    """Reword something, or add an answer: the next message is the Dutch text."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = query.data.split(":")[1]
    own = await _own(context, int(args[0]))
    if own.row.launched:
        raise edits.EditError("poll.edit_locked")
    kind = {"rt": "title", "ru": "outcome", "rq": "question", "ro": "option", "ao": "add"}[action]
    target = (kind, *args[1:])
    current, emoji = "—", edits.DEFAULT_EMOJI
    if kind in ("title", "outcome"):
        current = local(own.raw[kind], context.lang)
    elif kind == "question":
        current = local(edits.question(own.raw, args[1])["text"], context.lang)
    elif kind == "option":
        found = edits.option(own.raw, args[1], args[2])
        current, emoji = f"{found['emoji']} {local(found['text'], context.lang)}", found["emoji"]
    else:
        edits.check_room(own.raw, args[1])
    limit = svc.LIMITS["option" if kind in ("option", "add") else kind]
    key = "poll.edit_ask_option" if kind in ("option", "add") else "poll.edit_ask"
    pending.ask(context, EDITING, (own.id, target))
    await query.answer()
    await reply(update, context.tn(key, limit, limit=limit, current=current, emoji=emoji))


async def preview_in(update: Update, context: BotContext, member: Member, args: list[str]) -> None:
    """👁️: the own poll as a parent reads it in that language."""
    catalogs = context.services.catalogs
    if len(args) != 2 or not catalogs.has(args[1]):
        raise edits.EditError("error.stale_button")
    own = await _own(context, int(args[0]))
    text = preview(
        catalogs, own.flow, closes_at=closing(context, DEFAULT_DAYS),
        tz=context.services.settings.tz, lang=args[1],
    )  # fmt: skip
    assert update.callback_query is not None
    await update.callback_query.answer()
    await reply(update, text)


async def delete(update: Update, context: BotContext, member: Member, args: list[str]) -> None:
    """🗑 Delete: asks first (`pa:del`), then deletes (`pa:dely`), only if never launched."""
    query = update.callback_query
    assert query is not None and query.data is not None
    own_id, services = int(args[0]), context.services
    if query.data.startswith("pa:del:"):
        own = await _own(context, own_id)
        if own.row.launched:
            raise edits.EditError("poll.edit_locked")
        rows = [[(context.t("common.yes"), f"pa:dely:{own_id}"),
                 (context.t("common.no"), f"pa:v:{own_id}")]]  # fmt: skip
        title = local(own.raw["title"], context.lang)
        await _show(update, (context.t("poll.edit_delete_confirm", title=title), keyboard(rows)))
        return
    async with services.sessions() as session:
        await svc.delete(session, school_id=services.school_id, own_id=own_id)
    log.info("own poll %s deleted by member %s", own_id, member.id)
    await query.answer()
    await query.edit_message_text(context.t("poll.edit_deleted"))


ACTIONS: dict[str, tuple[str, Action]] = {  # action: (its fields: parse_button's shape, handler)
    "new": ("w", adapt), "dup": ("#", duplicate), "v": ("#", show), "q": ("#w", show),
    "k": ("#w", toggle), "xo": ("#ww", remove), "rt": ("#", ask_text), "ru": ("#", ask_text),
    "rq": ("#w", ask_text), "ro": ("#ww", ask_text), "ao": ("#w", ask_text),
    "pv": ("#w", preview_in), "del": ("#", delete), "dely": ("#", delete),
}  # fmt: skip


async def button(update: Update, context: BotContext) -> None:
    """Every button of the poll editor (coordinators only); a refusal is answered in a pop-up."""
    query, member = update.callback_query, coordinator(context)
    data = (query.data or "") if query else ""
    found = ACTIONS.get(data.split(":")[1] if data.count(":") >= 2 else "")
    if (
        query is None
        or member is None
        or found is None
        or not pressed(update, "pa", "w" + found[0])
    ):
        await stale(update, context)
        return
    try:
        await found[1](update, context, member, data.split(":")[2:])
    except edits.EditError as err:
        log.info("poll editor %s refused: %s", query.data, err.key)
        await query.answer(context.t(err.key, **err.values), show_alert=True)


async def typed(update: Update, context: BotContext) -> None:
    """The Dutch text a coordinator typed: checked, translated into every language, saved."""
    msg, user_data, member = update.effective_message, context.user_data, coordinator(context)
    if msg is None or user_data is None or EDITING not in user_data:
        return
    own_id, target = user_data[EDITING]
    if member is None:
        user_data.pop(EDITING, None)
        return
    kind = "option" if target[0] in ("option", "add") else target[0]
    emoji, words = svc.split_emoji(msg.text or "") if kind == "option" else (None, msg.text or "")
    try:
        text = svc.clean(words, kind=kind)
    except edits.EditError as err:  # they try again; the question stays open
        log.info("own poll %s: typed text refused: %s", own_id, err.key)
        await reply(update, context.t(err.key, **err.values))
        raise ApplicationHandlerStop from None
    user_data.pop(EDITING, None)
    services = context.services
    await msg.chat.send_action(ChatAction.TYPING)  # translating into every language takes a moment
    texts, dutch = await svc.translations(
        services.translator, text, source=services.settings.default_language,
        languages=services.catalogs.languages,
    )  # fmt: skip

    def edit(raw: edits.Raw) -> None:
        if target[0] == "add":
            edits.add_option(raw, target[1], texts, emoji)
        else:
            edits.reword(raw, target, texts, emoji)

    try:
        own = await _change(context, own_id, edit)
    except edits.EditError as err:
        log.info("own poll %s: change refused: %s", own_id, err.key)
        await reply(update, context.t(err.key, **err.values))
        raise ApplicationHandlerStop from None
    saved = (
        context.t("poll.edit_saved_dutch", languages=language_names(context, dutch))
        if dutch
        else context.t("poll.edit_saved")
    )
    view = overview(context, own) if len(target) == 1 else question_view(context, own, target[1])
    await reply(update, f"{saved}\n\n{view[0]}", view[1])
    raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The ✏️ buttons of own polls, and the texts typed for them."""
    app.add_handler(CallbackQueryHandler(button, pattern=r"^pa:"), group=GROUP_FEATURES)
    pending.expect(app, EDITING, typed)
