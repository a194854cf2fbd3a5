"""Privacy: /mydata shows everything stored, /forget erases it, /stop pauses messages."""

from __future__ import annotations

from functools import partial

from babel.dates import format_date
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.models import Member, MemberStatus, Role
from bot.onboarding import members
from bot.privacy import service as privacy
from bot.privacy.family_data import family_data
from bot.privacy.meeting_data import meeting_data
from bot.privacy.views import family_lines, meeting_lines
from bot.read_aloud.views import mydata_line
from bot.reviews.service import languages_of as reviewed_languages
from bot.telegram.common import GROUP_FEATURES, done_with_buttons, keyboard, reply
from bot.telegram.context import BotContext
from bot.telegram.menus import clear_member_menu


async def mydata(update: Update, context: BotContext) -> None:
    """/mydata: every personal datum we hold about the member."""
    member = context.member
    if member is None:
        await reply(update, context.t("mydata.nothing"))
        return
    catalogs = context.services.catalogs
    async with context.services.sessions() as session:
        data = await members.member_data(session, member=member)
        families = await family_data(session, member=member)
        meetings = await meeting_data(session, member=member)
        checks = await reviewed_languages(session, member_id=member.id or 0)  # bot/reviews/
    none = context.t("common.none")
    text = context.t(
        "mydata.body",
        name=data.first_name or none,
        language=catalogs.native_name(data.language) if data.language else none,
        second_language=catalogs.native_name(data.second_language)
        if data.second_language
        else none,
        role=context.t(f"role.{data.role}"),
        classes=", ".join(data.classes) or none,
        status=context.t(
            "status.stopped" if data.status == MemberStatus.STOPPED else "status.active"
        ),
        since=format_date(
            data.since.astimezone(context.services.settings.tz),
            "long",
            locale=_babel_locale(context.lang),
        ),
    )
    if data.messages:
        text += "\n" + context.t("mydata.messages", messages=data.messages)
    if member.role == Role.PARENT:  # 🔊 read aloud (bot/read_aloud/), /voice to change
        text += "\n" + mydata_line(context.services, context.lang, member)
    if checks:
        named = ", ".join(catalogs.language_name(code, context.lang) for code in checks)
        text += "\n" + context.t("reviews.mydata", languages=named)
    if lines := family_lines(context.t, families, locale=_babel_locale(context.lang)):
        text += "\n\n" + lines
    name = partial(catalogs.language_name, reader=context.lang)
    tz = context.services.settings.tz
    if lines := meeting_lines(context.t, meetings, tz=tz, lang=context.lang, name=name):
        text += "\n\n" + lines
    await reply(update, text)


def _babel_locale(lang: str) -> str:
    """A Babel locale for a UI language (a few need a fallback)."""
    return {"ti": "ti", "so": "so", "ps": "ps"}.get(lang, lang)


async def forget(update: Update, context: BotContext) -> None:
    """/forget: ask for confirmation before erasing everything."""
    if context.member is None:
        await reply(update, context.t("mydata.nothing"))
        return
    rows = [[(context.t("forget.yes"), "forget:yes")], [(context.t("forget.no"), "forget:no")]]
    staff = context.member.role != Role.PARENT  # what they sent for the school stays, unnamed
    text = context.t("forget.confirm_staff" if staff else "forget.confirm")
    async with context.services.sessions() as session:
        families = await family_data(session, member=context.member)
    if any(link.children for link in families.links):  # the roster is the school's: it stays
        text += "\n\n" + context.t("forget.child_stays")
    await reply(update, text, keyboard(rows))


async def forget_answer(update: Update, context: BotContext) -> None:
    """The /forget confirmation buttons."""
    query = update.callback_query
    member = context.member
    if query is None or member is None or member.id is None:
        await done_with_buttons(update, context, context.t("mydata.nothing"))
        return
    if query.data != "forget:yes":
        await done_with_buttons(update, context, context.t("forget.cancelled"))
        return
    services = context.services
    async with services.sessions() as session:
        if member.role == Role.COORDINATOR:
            if await members.count_coordinators(session, school_id=member.school_id) <= 1:
                await done_with_buttons(update, context, context.t("forget.last_coordinator"))
                return
        # The anonymous answers and the keyed participation record (it keeps "already answered"
        # and holds nothing personal without the server secret) stay: docs/privacy.md.
        erased = await privacy.forget_member(
            session, member_id=member.id, secret=services.poll_secret
        )
    forget_in_memory(context, member, erased)
    await clear_member_menu(context.bot, member.chat_id)
    await done_with_buttons(update, context, context.t("forget.done"))


def forget_in_memory(context: BotContext, member: Member, erased: privacy.Erased) -> None:
    """What this process holds of them: translations of their texts, pending questions, chat data."""
    translator = context.services.translator
    if translator is not None:
        translator.forget_sources(set(erased.sources))
    if context.services.speaker is not None:  # their texts' read-aloud audio (bot/speech/)
        context.services.speaker.forget_sources(set(erased.sources))
    if context.user_data is not None:
        context.user_data.clear()
    context.application.drop_user_data(member.telegram_id)
    context.application.drop_chat_data(member.chat_id)


async def stop(update: Update, context: BotContext) -> None:
    """/stop: no more messages until /start."""
    member = context.member
    if member is None:
        await reply(update, context.t("mydata.nothing"))
        return
    async with context.services.sessions() as session:
        await members.set_status(session, member=member, status=MemberStatus.STOPPED)
    await reply(update, context.t("stop.done"))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Privacy handlers."""
    app.add_handler(CommandHandler("mydata", mydata), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("forget", forget), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(forget_answer, pattern=r"^forget:"), group=GROUP_FEATURES)
    app.add_handler(CommandHandler("stop", stop), group=GROUP_FEATURES)
