"""Everything no other handler took: unknown commands, stray text, parents' messages, old buttons."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from bot.features import drafts
from bot.features.common import GROUP_FEATURES, reply
from bot.features.onboarding import PICKING_LANGUAGE, stale
from bot.models import Announcement, InboxMessage, Member, MemberStatus, Role
from bot.services import members
from bot.services.team import team_for_parent

MAX_STORED_TEXT = 4096
log = logging.getLogger(__name__)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A /command we do not know."""
    await reply(update, context.t("error.unknown_command"))


async def free_message(update: Update, context: BotContext) -> None:
    """A parent's own message is kept for the team; others get a pointer to /help."""
    member, msg = context.member, update.effective_message
    if msg is None:
        return
    if member is None:
        picking = context.user_data is not None and context.user_data.get(PICKING_LANGUAGE)
        await reply(update, context.t("error.use_buttons" if picking else "start.no_code"))
        return
    if member.role != Role.PARENT:
        await drafts.draft_from_message(update, context)
        return
    await keep_for_team(update, context, member)


async def keep_for_team(
    update: Update, context: BotContext, member: Member, *, about: Announcement | None = None
) -> bool:
    """Store a parent's message (about an announcement, or not), translate it, tell the team."""
    msg = update.effective_message
    kind, file_id = _kind_and_file(update)
    if kind is None or msg is None:
        await reply(update, context.t("error.unsupported"))
        return False
    assert member.id is not None
    stored = InboxMessage(
        school_id=member.school_id,
        member_id=member.id,
        kind=kind,
        text=(msg.text or msg.caption or "")[:MAX_STORED_TEXT],
        language=member.language,
        file_id=file_id,
        announcement_id=about.id if about else None,
        created_at=context.services.clock.now(),
    )
    async with context.services.sessions() as session:
        session.add(stored)
        await session.commit()
        author = await session.get(Member, about.author_id) if about and about.author_id else None
    await reply(
        update, context.t("parent.question_received" if about else "parent.message_received")
    )
    await translate_for_team(context, stored)
    reachable = author is not None and author.status == MemberStatus.ACTIVE
    team = [author] if reachable and author is not None else None
    await notify_team(context, member, stored, msg.message_id, team=team, about=about)
    return True


async def translate_for_team(context: BotContext, stored: InboxMessage) -> None:
    """Add the Dutch translation the team reads beside the original (kept if it fails)."""
    services = context.services
    school_lang = services.settings.default_language
    if services.translator is None or not stored.text or stored.language in (None, school_lang):
        return
    result = await services.translator.translate_for(
        stored.text, source=stored.language or school_lang, languages=[school_lang]
    )
    if result.machine:
        async with services.sessions() as session:
            stored.text_nl = result.text
            session.add(stored)
            await session.commit()


def _kind_and_file(update: Update) -> tuple[str | None, str | None]:
    """What a parent sent, and the Telegram file id if it has one."""
    msg = update.effective_message
    if msg is None:
        return None, None
    if msg.photo:
        return "photo", msg.photo[-1].file_id
    if msg.voice:
        return "voice", msg.voice.file_id
    if msg.document:
        return "document", msg.document.file_id
    if msg.text:
        return "text", None
    return None, None


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Catch-all handlers: registered last, so they only see what no feature took."""
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command), group=GROUP_FEATURES)
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, free_message),
        group=GROUP_FEATURES,
    )
    app.add_handler(CallbackQueryHandler(stale), group=GROUP_FEATURES)


async def notify_team(
    context: BotContext,
    parent: Member,
    stored: InboxMessage,
    message_id: int,
    *,
    team: list[Member] | None = None,
    about: Announcement | None = None,
) -> None:
    """Tell the parent's teachers (or the coordinators, or `team`): original, Dutch, the file."""
    services = context.services
    catalogs = services.catalogs
    async with services.sessions() as session:
        team = team or await team_for_parent(session, parent=parent)
        classes = [c.name for c in await members.member_classes(session, member_id=parent.id or 0)]
    for person in team:
        lang = catalogs.pick(person.language)
        text = catalogs.t(
            lang,
            "team.parent_message",
            name=parent.first_name,
            classes=", ".join(classes),
            language=catalogs.native_name(stored.language or "nl"),
            text=stored.text or "—",
        )
        if stored.text_nl:
            text += "\n\n" + catalogs.t(lang, "team.translated", text=stored.text_nl)
        if about is not None:
            excerpt = about.text if len(about.text) <= 80 else about.text[:79] + "…"
            text = catalogs.t(lang, "team.question_about", text=excerpt or "📎") + "\n" + text
        try:
            if stored.kind != "text":
                await context.bot.copy_message(person.chat_id, parent.chat_id, message_id)
            await context.bot.send_message(person.chat_id, text[:4096])
        except Forbidden:
            async with services.sessions() as session:
                await members.set_status(session, member=person, status=MemberStatus.BLOCKED)
        except TelegramError:
            log.warning(
                "could not tell team member %s about a parent's message", person.id, exc_info=True
            )
