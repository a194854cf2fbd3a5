"""/addpupil and /removepupil: coordinators put one pupil on the roster (class, first name,
initial, home languages, perhaps beside a sibling) or remove one with every link to it."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, CommandHandler

from bot.classes import service as classes
from bot.families import roster_service
from bot.families.service import children
from bot.models import Role
from bot.telegram import pending
from bot.telegram.common import (
    GROUP_FEATURES,
    done_with_buttons,
    in_columns,
    keyboard,
    numeric_press,
    reply,
    stale,
)
from bot.telegram.context import BotContext

NAME, INITIAL, SIBLING = "awaiting_pupil_name", "awaiting_pupil_initial", "awaiting_pupil_sibling"
DRAFT = "pupil_draft"  # user_data: what was said so far about the pupil being added
MAX_NAME = 64


async def _class_buttons(update: Update, context: BotContext, action: str, key: str) -> None:
    services = context.services
    async with services.sessions() as session:
        found = await classes.list_classes(session, school_id=services.school_id)
    if not found:
        await reply(update, context.t("classes.none"))
        return
    buttons = [(c.name, f"pup:{action}:{c.id}") for c in found]
    await reply(update, context.t(key), keyboard(in_columns(buttons, 3)))


async def addpupil(update: Update, context: BotContext) -> None:
    """/addpupil: which class."""
    await _class_buttons(update, context, "c", "pupil.pick_class")


async def removepupil(update: Update, context: BotContext) -> None:
    """/removepupil: which class."""
    await _class_buttons(update, context, "rc", "pupil.remove_pick_class")


def _draft(context: BotContext) -> dict[str, Any]:
    user_data = context.user_data if context.user_data is not None else {}
    return user_data.setdefault(DRAFT, {})  # type: ignore[no-any-return]


async def typed(update: Update, context: BotContext) -> None:
    """The first name, the initial or a sibling's first name, as asked."""
    user_data, msg = context.user_data or {}, update.effective_message
    text = " ".join((msg.text or "").split()) if msg else ""
    draft = _draft(context)
    if NAME in user_data:
        if not 1 <= len(text) <= MAX_NAME:
            await reply(update, context.t("pupil.bad_name", max=MAX_NAME))
            raise ApplicationHandlerStop
        draft["first"] = text
        pending.ask(context, INITIAL, True)
        skip = [[(context.t("pupil.button_no_initial"), "pup:i:0")]]
        await reply(update, context.t("pupil.type_initial", name=text), keyboard(skip))
    elif INITIAL in user_data:
        user_data.pop(INITIAL, None)
        draft["initial"] = next((ch.upper() + "." for ch in text if ch.isalpha()), "")
        await _languages(update, context, None)
    elif SIBLING in user_data:
        await _siblings(update, context, text)
    raise ApplicationHandlerStop


async def _languages(update: Update, context: BotContext, message_edit: bool | None) -> None:
    draft, catalogs = _draft(context), context.services.catalogs
    chosen: list[str] = draft.setdefault("langs", [])
    buttons = [
        (
            ("✅ " if code in chosen else "") + catalogs.language_name(code, context.lang),
            f"pup:l:{i}",
        )
        for i, code in enumerate(catalogs.languages)
    ]
    rows = [*in_columns(buttons, 3), [(context.t("pupil.button_done"), "pup:ld:0")]]
    text = context.t("pupil.pick_languages", name=draft.get("first", ""))
    query = update.callback_query
    if message_edit and query is not None:
        await query.answer()
        await query.edit_message_text(text, reply_markup=keyboard(rows))
    else:
        await reply(update, text, keyboard(rows))


async def _siblings(update: Update, context: BotContext, text: str) -> None:
    services = context.services
    async with services.sessions() as session:
        found = await roster_service.find_pupils(
            session, school_id=services.school_id, first_name=text
        )
    rows = [[(c.label, f"pup:f:{c.family_id}")] for c in found]
    rows.append([(context.t("pupil.button_new_family"), "pup:f:0")])
    key = "pupil.pick_sibling" if found else "pupil.no_sibling_found"
    await reply(update, context.t(key, name=text), keyboard(rows))


async def button(update: Update, context: BotContext) -> None:
    """Every button of adding and removing a pupil (`pup:<action>:<number>`)."""
    press = numeric_press(update, context, "pup")
    handler = _ACTIONS.get(press.action) if press else None
    if press is None or handler is None or press.member.role != Role.COORDINATOR:
        await stale(update, context)
        return
    await handler(update, context, press.number)


async def _class(update: Update, context: BotContext, class_id: int) -> None:
    services = context.services
    async with services.sessions() as session:
        try:
            found = await classes.get_class(
                session, school_id=services.school_id, class_id=class_id
            )
        except classes.ClassError:
            await stale(update, context)
            return
    if context.user_data is not None:
        context.user_data[DRAFT] = {"class_id": class_id, "class": found.name}
    pending.ask(context, NAME, True)
    await done_with_buttons(update, context, context.t("pupil.type_first_name", name=found.name))


async def _no_initial(update: Update, context: BotContext, _: int) -> None:
    if context.user_data is None or INITIAL not in context.user_data:
        await stale(update, context)
        return
    context.user_data.pop(INITIAL, None)
    _draft(context)["initial"] = ""
    await done_with_buttons(update, context)
    await _languages(update, context, None)


async def _toggle(update: Update, context: BotContext, index: int) -> None:
    draft, codes = _draft(context), context.services.catalogs.languages
    if "first" not in draft or index >= len(codes):
        await stale(update, context)
        return
    chosen: list[str] = draft.setdefault("langs", [])
    code = codes[index]
    chosen.remove(code) if code in chosen else chosen.append(code)
    await _languages(update, context, True)


async def _languages_done(update: Update, context: BotContext, _: int) -> None:
    draft = _draft(context)
    if "first" not in draft:
        await stale(update, context)
        return
    pending.ask(context, SIBLING, True)
    rows = [[(context.t("pupil.button_new_family"), "pup:f:0")]]
    await done_with_buttons(update, context)
    await reply(update, context.t("pupil.ask_sibling", name=draft["first"]), keyboard(rows))


async def _family(update: Update, context: BotContext, family_id: int) -> None:
    draft = _draft(context)
    if "first" not in draft or "class_id" not in draft:
        await stale(update, context)
        return
    pending.drop_all(context)
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    services = context.services
    async with services.sessions() as session:
        label = await roster_service.add_one(
            session, school_id=services.school_id, class_id=draft["class_id"],
            first_name=draft["first"], last_initial=draft.get("initial", ""),
            languages=draft.get("langs", []), family_id=family_id or None,
            now=services.clock.now(),
        )  # fmt: skip
    await done_with_buttons(update, context, context.t("pupil.added", child=label))


async def _remove_class(update: Update, context: BotContext, class_id: int) -> None:
    async with context.services.sessions() as session:
        kids = await children(session, class_id=class_id)
    if not kids:
        await done_with_buttons(update, context, context.t("pupil.none_in_class"))
        return
    buttons = [(c.label, f"pup:r:{c.pupil_id}") for c in kids]
    await done_with_buttons(update, context)
    await reply(update, context.t("pupil.remove_pick_child"), keyboard(in_columns(buttons, 2)))


async def _remove(update: Update, context: BotContext, pupil_id: int) -> None:
    async with context.services.sessions() as session:
        found = [c for c in await children(session) if c.pupil_id == pupil_id]
    if not found:
        await stale(update, context)
        return
    rows = [[(context.t("common.yes"), f"pup:ry:{pupil_id}"), (context.t("common.no"), "pup:rn:0")]]
    await done_with_buttons(update, context)
    await reply(update, context.t("pupil.remove_confirm", child=found[0].label), keyboard(rows))


async def _remove_yes(update: Update, context: BotContext, pupil_id: int) -> None:
    services = context.services
    async with services.sessions() as session:
        label = await roster_service.remove_pupil(
            session, school_id=services.school_id, pupil_id=pupil_id, now=services.clock.now()
        )
    if label is None:
        await stale(update, context)
        return
    await done_with_buttons(update, context, context.t("pupil.removed", child=label))


async def _remove_no(update: Update, context: BotContext, _: int) -> None:
    await done_with_buttons(update, context, context.t("common.cancelled"))


_ACTIONS = {
    "c": _class,
    "i": _no_initial,
    "l": _toggle,
    "ld": _languages_done,
    "f": _family,
    "rc": _remove_class,
    "r": _remove,
    "ry": _remove_yes,
    "rn": _remove_no,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/addpupil, /removepupil, their buttons and typed answers."""
    app.add_handler(CommandHandler("addpupil", addpupil), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("removepupil", removepupil), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(button, pattern=r"^pup:"), group=GROUP_FEATURES)
    for key in (NAME, INITIAL, SIBLING):
        pending.expect(app, key, typed)
