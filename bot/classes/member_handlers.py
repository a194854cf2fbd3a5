"""Removing a parent from a class: the class's parents as buttons (`rml:<class>`), a press on one
(`rm:<class>:<member>`, also from the class list), a confirm step (`rmy:<class>:<member>`); the
parent is told kindly in their language. Only a teacher of the class or a coordinator."""

from __future__ import annotations

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import Application, CallbackQueryHandler

from bot.classes import members as svc
from bot.families.approval import class_row, may_decide
from bot.models import Member, SchoolClass
from bot.telegram.common import (
    GROUP_FEATURES,
    Fields,
    done_with_buttons,
    in_columns,
    keyboard,
    pressed,
    reply,
    stale,
)
from bot.telegram.context import BotContext

MAX_SHOWN = 90  # Telegram shows at most 100 buttons under one message


async def allowed_class(context: BotContext, fields: Fields | None) -> SchoolClass | None:
    """The pressed class when this member may manage its parents."""
    member, services = context.member, context.services
    if fields is None or member is None:
        return None
    async with services.sessions() as session:
        school_class = await class_row(
            session, school_id=services.school_id, class_id=fields.numbers[0]
        )
        if school_class is None or not await may_decide(
            session, member=member, class_id=fields.numbers[0]
        ):
            return None
    return school_class


async def list_parents(update: Update, context: BotContext) -> None:
    """The class's parents as buttons: tap one to remove them."""
    school_class = await allowed_class(context, fields := pressed(update, "rml", "#"))
    if school_class is None or fields is None:
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        parents = await svc.class_parents(session, class_id=school_class.id or 0)
    await done_with_buttons(update, context)
    if not parents:
        await reply(update, context.t("classes.members_none", class_name=school_class.name))
        return
    buttons = [(label(context, p), f"rm:{school_class.id}:{p.id}") for p in parents[:MAX_SHOWN]]
    text = context.t("classes.members_title", class_name=school_class.name)
    await reply(update, text, keyboard(in_columns(buttons, 2)))


def label(context: BotContext, parent: Member) -> str:
    """'Youssef (Arabisch)': first name and language, as the team sees parents elsewhere."""
    language = context.services.catalogs.language_name(parent.language or "nl", context.lang)
    return f"{parent.first_name} ({language})"


async def ask(update: Update, context: BotContext) -> None:
    """Remove this parent? Yes / No."""
    fields = pressed(update, "rm", "##")
    school_class = await allowed_class(context, fields)
    if school_class is None or fields is None:
        await stale(update, context)
        return
    member_id = fields.numbers[1]
    async with context.services.sessions() as session:
        parent = await session.get(Member, member_id)
    if parent is None:
        await stale(update, context)
        return
    rows = [
        [
            (context.t("common.yes"), f"rmy:{school_class.id}:{member_id}"),
            (context.t("common.no"), f"rml:{school_class.id}"),
        ]
    ]
    text = context.t("classes.remove_confirm", name=parent.first_name, class_name=school_class.name)
    await done_with_buttons(update, context)
    await reply(update, text, keyboard(rows))


async def remove(update: Update, context: BotContext) -> None:
    """Yes: the parent leaves the class and is told kindly."""
    fields = pressed(update, "rmy", "##")
    school_class = await allowed_class(context, fields)
    if school_class is None or fields is None:
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        parent = await svc.remove_parent(
            session, class_id=school_class.id or 0, member_id=fields.numbers[1]
        )
    if parent is None:
        await stale(update, context)
        return
    text = context.t("classes.removed", name=parent.first_name, class_name=school_class.name)
    await done_with_buttons(update, context, text)
    catalogs = context.services.catalogs
    notice = catalogs.t(parent.language, "classes.removed_notice", class_name=school_class.name)
    try:
        await context.bot.send_message(parent.chat_id, notice)
    except Forbidden:
        pass  # they blocked the bot: nothing more to tell


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The parents of a class, removing one, and its confirmation."""
    app.add_handler(CallbackQueryHandler(list_parents, pattern=r"^rml:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(ask, pattern=r"^rm:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(remove, pattern=r"^rmy:"), group=GROUP_FEATURES)
