"""Joining with a personal invitation letter: linked to the family at once, then asked (with one
tap, skippable) whether one is the mother, the father or another guardian."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.classes.service import class_teachers
from bot.families import service
from bot.models import GuardianRole, Member
from bot.onboarding.welcome_views import messages_line
from bot.telegram.common import done_with_buttons, keyboard, pressed, reply, stale
from bot.telegram.context import BotContext

ROLE_CHOICES = (GuardianRole.MOTHER, GuardianRole.FATHER, GuardianRole.OTHER)


def role_keyboard(context: BotContext, family_id: int) -> list[list[tuple[str, str]]]:
    """Mother / father / other guardian; callback `grole:<family>:<role>`."""
    return [
        [(context.t(f"families.role_{role.value}"), f"grole:{family_id}:{role.value}")]
        for role in ROLE_CHOICES
    ]


async def join_with_letter(
    update: Update, context: BotContext, member: Member, code: str, *, fresh: bool
) -> None:
    """A letter's code: link to the family and its children's classes, say to whom, ask the role."""
    services = context.services
    async with services.sessions() as session:
        joined = await service.redeem_code(
            session,
            school_id=services.school_id,
            code=code,
            member=member,
            now=services.clock.now(),
        )
        teachers: list[str] = []
        for class_id in {c.class_id for c in joined.children} if joined else set():
            if class_id is not None:
                teachers += await class_teachers(session, class_id=class_id)
    if joined is None:
        await reply(update, context.t("start.bad_code"))
        return
    names = ", ".join(child.label for child in joined.children)
    if not joined.new:
        await reply(update, context.t("families.already_linked", children=names))
        return
    text = context.t("families.joined", children=names)
    if teachers:
        text += "\n" + context.t("start.class_teacher", teachers=", ".join(dict.fromkeys(teachers)))
    if fresh:
        text += "\n\n" + context.t("start.welcome", name=member.first_name)
        line = messages_line(
            services.catalogs,
            services.translator,
            lang=context.lang,
            own=member.language,
            second=member.second_language,
        )
        if line:
            text += "\n\n" + line
    text += "\n\n" + context.t("families.ask_role")
    await reply(update, text, keyboard(role_keyboard(context, joined.family_id)))


async def choose_role(update: Update, context: BotContext) -> None:
    """Mother / father / other button: store what the guardian is to the family's children."""
    fields, member = pressed(update, "grole", "#w"), context.member
    roles = {role.value: role for role in ROLE_CHOICES}
    if fields is None or member is None or member.id is None or fields.words[0] not in roles:
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        ok = await service.set_role(
            session,
            member_id=member.id,
            family_id=fields.numbers[0],
            role=roles[fields.words[0]],
        )
    if not ok:
        await stale(update, context)
        return
    role_name = context.t(f"families.role_{fields.words[0]}")
    await done_with_buttons(update, context, context.t("families.role_saved", role=role_name))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The role buttons after a letter join."""
    app.add_handler(CallbackQueryHandler(choose_role, pattern=r"^grole:"), group=1)
