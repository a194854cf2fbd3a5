"""/reach and /classlist: which families a teacher's classes (a coordinator: the whole school) reach,
and each class's list. A teacher sees only their own classes; another class looks as if it did not
exist. The buttons lead to letters (`lt:n:`), writing to a family (`fw:`) and removing a member
(`rm:`), handled by their own capabilities."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.families import class_list as lists
from bot.families import reach as figures
from bot.families import reach_views as views
from bot.models import Role
from bot.telegram.common import (
    GROUP_FEATURES,
    Button,
    in_columns,
    keyboard,
    pressed,
    reply,
    require_member,
    stale,
)
from bot.telegram.context import BotContext


def words(context: BotContext) -> views.Words:
    """The reader's words and numbers."""
    return views.Words(context.services.catalogs, context.lang)


async def send_parts(
    update: Update, context: BotContext, parts: list[str], rows: list[list[Button]]
) -> None:
    """Long texts in several messages, the buttons under the last one."""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await reply(update, part, keyboard(rows) if last and rows else None)


async def reach_command(update: Update, context: BotContext) -> None:
    """/reach: families reached per class, language and role; the whole school for coordinators."""
    member, services = require_member(context), context.services
    whole = member.role == Role.COORDINATOR
    async with services.sessions() as session:
        own = await lists.staff_classes(
            session, school_id=services.school_id, member_id=member.id or 0, role=member.role
        )
        found = await figures.reach(
            session,
            school_id=services.school_id,
            now=services.clock.now(),
            class_ids=None if whole else [class_id for class_id, _ in own],
        )
    if not whole and not own:
        await reply(update, context.t("classlist.none"))
        return
    w = words(context)
    await send_parts(
        update,
        context,
        views.reach_parts(w, found, whole_school=whole),
        views.reach_buttons(w, found, whole_school=whole),
    )


async def classlist_command(update: Update, context: BotContext) -> None:
    """/classlist: the class's list, or first which class (several classes, or a coordinator)."""
    member, services = require_member(context), context.services
    async with services.sessions() as session:
        own = await lists.staff_classes(
            session, school_id=services.school_id, member_id=member.id or 0, role=member.role
        )
    if not own:
        await reply(update, context.t("classlist.none"))
    elif len(own) == 1:
        await show_list(update, context, *own[0])
    else:
        buttons = [(name, f"cl:{class_id}") for class_id, name in own]
        await reply(update, context.t("classlist.pick"), keyboard(in_columns(buttons, 3)))


async def visible(update: Update, context: BotContext, verb: str) -> tuple[int, str] | None:
    """The class of a `verb:<class_id>` press if this member may see it; otherwise the press is
    answered (stale when malformed, "not found" for a class that is not theirs) and None."""
    fields, member, services = pressed(update, verb, "#"), context.member, context.services
    if fields is None or member is None or member.id is None:
        await stale(update, context)
        return None
    async with services.sessions() as session:
        name = await lists.visible_class(
            session,
            school_id=services.school_id,
            member_id=member.id,
            role=member.role,
            class_id=fields.numbers[0],
        )
    query = update.callback_query
    if name is None:
        if query is not None:
            await query.answer(context.t("classes.not_found"), show_alert=True)
        return None
    if query is not None:
        await query.answer()
    return fields.numbers[0], name


async def class_button(update: Update, context: BotContext) -> None:
    """`cl:<class_id>`: show a class's list."""
    found = await visible(update, context, "cl")
    if found is not None:
        await show_list(update, context, *found)


async def show_list(update: Update, context: BotContext, class_id: int, name: str) -> None:
    """Send one class's list with its buttons."""
    services = context.services
    async with services.sessions() as session:
        found = await lists.class_list(
            session, school_id=services.school_id, class_id=class_id, name=name
        )
        counted = await figures.reach(
            session, school_id=services.school_id, now=services.clock.now(), class_ids=[class_id]
        )
    w = words(context)
    parts = views.class_list_parts(w, found, counted.total)
    await send_parts(update, context, parts, views.class_list_buttons(w, found))


async def pick_family(update: Update, context: BotContext) -> None:
    """`clw:<class_id>`: which family to write to (`fw:<family_id>` buttons)."""
    found = await visible(update, context, "clw")
    if found is None:
        return
    async with context.services.sessions() as session:
        shown = await lists.class_list(
            session, school_id=context.services.school_id, class_id=found[0], name=found[1]
        )
    await reply(update, context.t("classlist.pick_family"), keyboard(views.family_buttons(shown)))


async def pick_member(update: Update, context: BotContext) -> None:
    """`clr:<class_id>`: whom to remove from the class (`rm:<class_id>:<member_id>` buttons)."""
    found = await visible(update, context, "clr")
    if found is None:
        return
    async with context.services.sessions() as session:
        shown = await lists.class_list(
            session, school_id=context.services.school_id, class_id=found[0], name=found[1]
        )
    text = context.t("classlist.pick_member", name=found[1])
    await reply(update, text, keyboard(views.member_buttons(shown)))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/reach, /classlist and the class list's buttons."""
    app.add_handler(CommandHandler("reach", reach_command), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("classlist", classlist_command), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(class_button, pattern=r"^cl:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(pick_family, pattern=r"^clw:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(pick_member, pattern=r"^clr:"), group=GROUP_FEATURES)
