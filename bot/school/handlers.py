"""The school team: coordinators invite teachers and coordinators with one-time links."""

from __future__ import annotations

from babel.dates import format_date
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.classes.service import ClassError, get_class, list_classes
from bot.core.codes import deep_link, invite_payload
from bot.models import Role
from bot.onboarding.handlers import stale
from bot.school.invites import create_invite
from bot.telegram.common import (
    GROUP_FEATURES,
    done_with_buttons,
    in_columns,
    keyboard,
    pressed,
    reply,
    require_member,
)
from bot.telegram.context import BotContext


async def invite(update: Update, context: BotContext) -> None:
    """/invite: ask whom to invite."""
    rows = [
        [(context.t("invite.role_teacher"), "inv:teacher")],
        [(context.t("invite.role_coordinator"), "inv:coordinator")],
    ]
    await reply(update, context.t("invite.choose_role"), keyboard(rows))


async def invite_role(update: Update, context: BotContext) -> None:
    """Role chosen: for a teacher, ask the class; for a coordinator, make the link."""
    fields = pressed(update, "inv", "w")
    role = fields.words[0] if fields is not None else ""
    if role not in ("teacher", "coordinator") or not _is_coordinator(context):
        await stale(update, context)
        return
    if role == "coordinator":
        await _make_link(update, context, Role.COORDINATOR, None)
        return
    async with context.services.sessions() as session:
        classes = await list_classes(session, school_id=context.services.school_id)
    buttons = [(c.name, f"invc:{c.id}") for c in classes]
    rows = [*in_columns(buttons, 3), [(context.t("invite.no_class"), "invc:0")]]
    await done_with_buttons(update, context)
    await reply(update, context.t("invite.choose_class"), keyboard(rows))


async def invite_class(update: Update, context: BotContext) -> None:
    """Class chosen for a teacher invite: make the link."""
    fields = pressed(update, "invc", "#")
    if fields is None or not _is_coordinator(context):
        await stale(update, context)
        return
    await _make_link(update, context, Role.TEACHER, fields.numbers[0] or None)


async def _make_link(update: Update, context: BotContext, role: Role, class_id: int | None) -> None:
    """Create the invite and show its one-time link."""
    services, member = context.services, require_member(context)
    async with services.sessions() as session:
        if class_id is not None:
            try:
                await get_class(session, school_id=services.school_id, class_id=class_id)
            except ClassError as err:
                await done_with_buttons(update, context, context.t(err.key, **err.values))
                return
        new = await create_invite(
            session,
            school_id=services.school_id,
            role=role,
            now=services.clock.now(),
            created_by=member.id,
            class_id=class_id,
        )
    expires = format_date(
        new.invite.expires_at.astimezone(services.settings.tz), "long", locale=context.lang
    )
    link = deep_link(context.bot.username, invite_payload(new.code))
    text = context.t(
        "invite.created", role=context.t(f"role.{role.value}"), link=link, expires=expires
    )
    await done_with_buttons(update, context, text)


def _is_coordinator(context: BotContext) -> bool:
    """Buttons can be pressed long after they were sent: check the role again."""
    return context.member is not None and context.member.role == Role.COORDINATOR


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Team invite handlers."""
    app.add_handler(CommandHandler("invite", invite), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(invite_role, pattern=r"^inv:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(invite_class, pattern=r"^invc:"), group=GROUP_FEATURES)
