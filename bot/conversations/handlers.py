"""Parents write to the school: the message joins their conversation and reaches the right people."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.conversations import follow_up_jobs
from bot.conversations import service as svc
from bot.conversations.transcript_jobs import transcribe_for_team
from bot.core.limits import cut
from bot.models import Announcement, Conversation, InboxMessage, Member, MemberStatus
from bot.onboarding.handlers import stale
from bot.telegram.common import GROUP_FEATURES, keyboard, kind_and_file, numeric_press, reply
from bot.telegram.context import BotContext

MAX_STORED_TEXT = 4096  # UTF-16 code units, as Telegram counts: a whole message or caption
EXCERPT = 80  # of an announcement a question is about


async def keep_for_team(
    update: Update, context: BotContext, member: Member, *, about: Announcement | None = None
) -> bool:
    """Store a parent's message in their conversation, translate it, tell the team.

    Every message reaches the team (bot/conversations/follow_up_jobs.py): at once, or folded
    into the next notification (at most one per conversation every 10 minutes), and after the
    quiet hours. A question about an announcement goes to its author at once.
    """
    msg, services = update.effective_message, context.services
    kind, file_id = kind_and_file(update)
    if kind is None or msg is None:
        await reply(update, context.t("error.unsupported"))
        return False
    async with services.sessions() as session:
        conversation, _ = await svc.open_conversation(
            session, parent=member, now=services.clock.now()
        )
        stored = InboxMessage(
            school_id=member.school_id, member_id=member.id or 0, conversation_id=conversation.id,
            kind=kind, text=cut(msg.text or msg.caption or "", MAX_STORED_TEXT),
            language=member.language, file_id=file_id, announcement_id=about.id if about else None,
            created_at=services.clock.now(),
        )  # fmt: skip
        session.add(stored)
        await session.commit()
        author = await session.get(Member, about.author_id) if about and about.author_id else None
        team = await svc.team_for(session, conversation=conversation)
    if author is not None and author.status == MemberStatus.ACTIVE:
        team = [author]  # a question goes to whoever wrote the announcement
    await receipt(update, context, conversation, team, question=about is not None)
    await translate_for_team(context, stored)
    await transcribe_for_team(context, stored)  # a voice note: its words, in Dutch (if a model)
    if about is None:
        await follow_up_jobs.follow_up(services, context.bot, conversation.id or 0)
    else:  # a question is told at once (to the team if its author has left)
        await notify_team(context, member, stored, msg.message_id, team=team, about=about)
    return True


async def receipt(
    update: Update,
    context: BotContext,
    conversation: Conversation,
    team: list[Member],
    *,
    question: bool,
) -> None:
    """Tell the parent who will read it and when; offer the school office instead of the teacher."""
    who = ", ".join(p.first_name for p in team[:3]) or context.t("conversation.the_team")
    key = "parent.question_received" if question else "conversation.received"
    rows = []
    if not conversation.to_school and not question:
        rows = [[(context.t("conversation.to_school_button"), f"conv:school:{conversation.id}")]]
    await reply(update, context.t(key, who=who), keyboard(rows) if rows else None)


async def to_school(update: Update, context: BotContext) -> None:
    """The parent prefers the school office (coordinators) to the class teacher."""
    query, press = update.callback_query, numeric_press(update, context, "conv")
    services = context.services
    async with services.sessions() as session:
        conversation = await session.get(Conversation, press.number) if press else None
        if (
            query is None
            or press is None
            or conversation is None
            or conversation.member_id != press.member_id
        ):
            await stale(update, context)
            return
        conversation.to_school, conversation.assigned_to = True, None
        session.add(conversation)
        await session.commit()
        team = await svc.coordinators(session, school_id=conversation.school_id)
        last = await svc.thread(session, conversation_id=conversation.id or 0, last=1)
    await query.answer()
    await query.edit_message_text(context.t("conversation.moved_to_school"))
    if last:
        await notify_team(context, press.member, last[-1], None, team=team)


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


def team_buttons(
    context: BotContext, lang: str, conversation_id: int | None, *, coordinator: bool = False
) -> InlineKeyboardMarkup:
    """Answer, Handled, Pass on (and for coordinators: language buddy, export)."""
    return follow_up_jobs.buttons(
        context.services.catalogs, lang, conversation_id, coordinator=coordinator
    )


async def notify_team(
    context: BotContext,
    parent: Member,
    stored: InboxMessage,
    message_id: int | None,
    *,
    team: list[Member],
    about: Announcement | None = None,
) -> None:
    """Tell the team now: the original, the Dutch beside it, the file, and what they can do."""
    await follow_up_jobs.tell(
        context.services, context.bot, parent, [stored], team=team, message_id=message_id,
        about=about,
    )  # fmt: skip


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The parent's "to the school office instead" button."""
    app.add_handler(CallbackQueryHandler(to_school, pattern=r"^conv:school:"), group=GROUP_FEATURES)
