"""Joining: /start with a class link or invite, the language picker, /language and /help."""

from __future__ import annotations

import re

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.classes.service import class_by_code
from bot.core.codes import (
    CLASS_PREFIX,
    FAMILY_PREFIX,
    INVITE_PREFIX,
    MAX_CODE_PAYLOAD,
    UNKNOWN_CODE,
)
from bot.families.approval_handlers import join_with_class_link
from bot.families.join_handlers import join_with_letter
from bot.models import Member, MemberStatus, Role
from bot.onboarding import members
from bot.onboarding.welcome_views import messages_line
from bot.read_aloud.handlers import offer_after_joining
from bot.school.invites import redeem_invite
from bot.telegram.common import (
    GROUP_FEATURES,
    done_with_buttons,
    in_columns,
    keyboard,
    pressed,
    reply,
    stale,
)
from bot.telegram.context import BotContext, Who
from bot.telegram.menus import set_member_menu

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SECOND_LANGUAGE_CHOICES = ("nl", "fr", "en")
PICKING_LANGUAGE = "picking_language"


def language_keyboard(context: BotContext, verb: str, payload: str) -> list[list[tuple[str, str]]]:
    """Buttons with every UI language's own name; callback `verb:<code>:<payload>`."""
    catalogs = context.services.catalogs
    buttons = [
        (catalogs.native_name(code), f"{verb}:{code}:{payload}") for code in catalogs.languages
    ]
    return in_columns(buttons, 2)


async def start(update: Update, context: BotContext) -> None:
    """/start [payload]: join a class or the team, choosing a language first if needed."""
    payload = code_payload(context.args[0] if context.args else "")
    member = context.member
    if member is None and not payload:
        await reply(update, context.t("start.no_code"))
        return
    if member is None or member.language is None:
        if context.user_data is not None:
            context.user_data[PICKING_LANGUAGE] = True
        markup = keyboard(language_keyboard(context, "lang", payload))
        await reply(update, context.t("start.choose_language"), markup)
        return
    if member.status == MemberStatus.STOPPED:
        async with context.services.sessions() as session:
            await members.set_status(session, member=member, status=MemberStatus.ACTIVE)
        await reply(update, context.t("start.welcome_back"))
        if not payload:
            return
    await complete_start(update, context, member, payload, fresh=False)


def code_payload(payload: str) -> str:
    """A /start payload as the language buttons carry it: one longer than any code of ours is an
    unknown code (so the buttons stay within Telegram's 64 bytes), a malformed one is none."""
    if not PAYLOAD.match(payload):
        return ""
    return UNKNOWN_CODE if len(payload) > MAX_CODE_PAYLOAD else payload


async def complete_start(
    update: Update, context: BotContext, member: Member, payload: str, *, fresh: bool
) -> None:
    """Act on the start payload (class or invite) and greet the member."""
    services, now = context.services, context.services.clock.now()
    async with services.sessions() as session:
        if payload.startswith(INVITE_PREFIX):
            redeemed = await redeem_invite(session, code=payload[1:], member=member, now=now)
            if redeemed is None:
                await reply(update, context.t("start.bad_code" if fresh else "invite.bad"))
                return
            await set_member_menu(context, member)
            role_name = context.t(f"role.{redeemed.role.value}")
            text = context.t("invite.joined", role=role_name)
            if redeemed.school_class is not None:
                text += "\n" + context.t(
                    "invite.joined_class", class_name=redeemed.school_class.name
                )
            await _tell_inviter(context, redeemed.created_by, member, role_name)
            await reply(
                update,
                text + "\n\n" + context.services.catalogs.help(context.lang, redeemed.role.value),
            )
            return
        if payload.startswith(FAMILY_PREFIX):
            await join_with_letter(update, context, member, payload[1:], fresh=fresh)
            return
        school_class = None
        if payload.startswith(CLASS_PREFIX):
            school_class = await class_by_code(
                session, school_id=context.services.school_id, join_code=payload[1:]
            )
        if school_class is None:
            await reply(
                update,
                context.t("start.bad_code")
                if payload
                else context.services.catalogs.help(context.lang, "parent"),
            )
            return
        if member.role == Role.PARENT:  # says whose parent they are; the teacher approves
            await join_with_class_link(update, context, member, school_class)
            return
    # Staff come into a class by a coordinator's invite, never by the parents' public flyer
    # (whoever teaches a class decides on its parents' requests).
    await reply(update, context.t("approval.staff_link", class_name=school_class.name))


async def _tell_inviter(
    context: BotContext, inviter_id: int | None, member: Member, role: str
) -> None:
    """Let the coordinator who made an invite know it was used."""
    if inviter_id is None:
        return
    async with context.services.sessions() as session:
        inviter = await session.get(Member, inviter_id)
    if inviter is None or inviter.status != MemberStatus.ACTIVE:
        return
    catalogs = context.services.catalogs
    role_in_their_lang = catalogs.t(inviter.language, f"role.{member.role}")
    text = catalogs.t(
        inviter.language, "invite.used_notice", name=member.first_name, role=role_in_their_lang
    )
    try:
        await context.bot.send_message(inviter.chat_id, text)
    except Forbidden:
        async with context.services.sessions() as session:
            await members.set_status(session, member=inviter, status=MemberStatus.BLOCKED)


async def choose_language(update: Update, context: BotContext) -> None:
    """Language button: store it (creating the member on first contact), then ask a second one."""
    query, fields = update.callback_query, pressed(update, "lang", "w*")
    catalogs = context.services.catalogs
    if (
        query is None
        or fields is None
        or not catalogs.has(fields.words[0])
        or update.effective_user is None
    ):
        await stale(update, context)
        return
    lang, payload = fields.words[0], code_payload(fields.words[1])
    if context.user_data is not None:
        context.user_data.pop(PICKING_LANGUAGE, None)
    user, services = update.effective_user, context.services
    async with services.sessions() as session:
        member, _ = await members.get_or_create_member(
            session,
            school_id=services.school_id,
            telegram_id=user.id,
            chat_id=query.message.chat.id if query.message else user.id,
            first_name=user.first_name,
            now=services.clock.now(),
        )
        member = await members.set_language(session, member=member, language=lang)
    context.who = Who(member=member, lang=lang)
    await done_with_buttons(update, context, context.t("language.changed"))
    if lang == services.settings.default_language:
        await finish_onboarding(update, context, member, payload)
        return
    options = [c for c in SECOND_LANGUAGE_CHOICES if c != lang and catalogs.has(c)]
    rows = [[(catalogs.native_name(c), f"lang2:{c}:{payload}") for c in options]]
    rows.append([(context.t("start.second_language_none"), f"lang2:-:{payload}")])
    await reply(update, context.t("start.choose_second_language"), keyboard(rows))


async def choose_second_language(update: Update, context: BotContext) -> None:
    """Second-language button: store it (or none) and finish joining."""
    fields, member = pressed(update, "lang2", "w*"), context.member
    catalogs = context.services.catalogs
    code, payload = fields.words if fields is not None else ("", "")
    payload = code_payload(payload)
    if fields is None or member is None or (code != "-" and not catalogs.has(code)):
        await stale(update, context)
        return
    second = None if code == "-" else code
    async with context.services.sessions() as session:
        member = await members.set_second_language(session, member=member, language=second)
    if second is None:
        await done_with_buttons(update, context, context.t("language.second_removed"))
    else:
        name = catalogs.native_name(second)
        await done_with_buttons(
            update, context, context.t("language.second_changed", language=name)
        )
    await finish_onboarding(update, context, member, payload)


async def finish_onboarding(
    update: Update, context: BotContext, member: Member, payload: str
) -> None:
    """After the language questions: join with the payload, or just refresh the menu."""
    if not payload.startswith(INVITE_PREFIX):
        await set_member_menu(context, member)  # an invite sets the menu of the new role
    if payload:
        await complete_start(update, context, member, payload, fresh=True)
        await offer_after_joining(update, context, member, payload)  # 🔊 read aloud? (once)
    elif line := _messages_line(context, member):
        await reply(update, line)  # /language: say where the school's messages will come now


def _messages_line(context: BotContext, member: Member) -> str:
    """For a parent: '' when the school's messages reach them in their language, else the line
    that says in which language they come for now, and why."""
    if member.role != Role.PARENT:
        return ""
    services = context.services
    return messages_line(
        services.catalogs,
        services.translator,
        lang=context.lang,
        own=member.language,
        second=member.second_language,
    )


async def language(update: Update, context: BotContext) -> None:
    """/language: show the picker again."""
    await reply(
        update, context.t("language.prompt"), keyboard(language_keyboard(context, "lang", ""))
    )


async def help_command(update: Update, context: BotContext) -> None:
    """/help: what this member can do here."""
    member = context.member
    if member is None:
        await reply(update, context.t("start.no_code"))
        return
    await reply(update, context.services.catalogs.help(context.lang, member.role))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Onboarding handlers."""
    app.add_handler(CommandHandler("start", start), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("help", help_command), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("language", language), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(choose_language, pattern=r"^lang:"), group=GROUP_FEATURES)
    app.add_handler(
        CallbackQueryHandler(choose_second_language, pattern=r"^lang2:"), group=GROUP_FEATURES
    )
