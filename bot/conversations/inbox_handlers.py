"""The team's side of conversations: /inbox, Answer (delivered translated), Handled, Pass on."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InputFile, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from bot.conversations import service as svc
from bot.conversations.handlers import notify_team, team_buttons
from bot.conversations.transcript_jobs import hear, transcript_line
from bot.core.limits import cut
from bot.families.service import children, whose_parent
from bot.models import Conversation, InboxMessage, Member, MemberStatus, Role
from bot.onboarding.handlers import stale
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, in_columns, keyboard, numeric_press, pressed, reply
from bot.telegram.context import BotContext

ANSWERING = "awaiting_answer"


async def inbox(update: Update, context: BotContext) -> None:
    """/inbox: open conversations, newest first (a teacher's classes; the whole school for coordinators)."""
    member, services = context.member, context.services
    if member is None:
        return
    async with services.sessions() as session:
        waiting = await svc.visible(session, member=member)
        entries = [(c, await entry_text(context, session, c)) for c in waiting[: svc.INBOX_PAGE]]
    if not waiting:
        await reply(update, context.t("inbox.empty"))
        return
    await reply(update, context.t("inbox.heading", count=len(waiting)))
    for conversation, text in entries:
        coordinator = member.role == Role.COORDINATOR
        markup = team_buttons(context, context.lang, conversation.id, coordinator=coordinator)
        await reply(update, cut(text), markup)


async def entry_text(context: BotContext, session: object, conversation: Conversation) -> str:
    """One conversation as the team sees it: who, language, the last messages with Dutch beside them."""
    assert isinstance(session, AsyncSession)
    parent = await session.get(Member, conversation.member_id)
    whose = await whose_parent(session, member_id=conversation.member_id)
    catalogs = context.services.catalogs
    lines = [
        context.t(
            "inbox.entry",
            name=parent.first_name if parent else "?",
            classes=whose,
            language=catalogs.language_name(parent.language or "nl", context.lang)
            if parent
            else "?",
        )
    ]
    messages = await svc.thread(session, conversation_id=conversation.id or 0)
    labels = await family_labels(session, messages)
    for message in messages:
        lines.append(line_of(context, message, labels.get(message.family_id or 0)))
    return "\n".join(lines)


async def family_labels(session: AsyncSession, messages: list[InboxMessage]) -> dict[int, str]:
    """The children's names of each family the team wrote first to in these messages."""
    wanted = sorted({m.family_id for m in messages if m.family_id is not None})
    labels: dict[int, list[str]] = {}
    for child in await children(session, family_ids=wanted) if wanted else []:
        labels.setdefault(child.family_id, []).append(child.label)
    return {family_id: ", ".join(names) for family_id, names in labels.items()}


def line_of(context: BotContext, message: InboxMessage, family: str | None = None) -> str:
    """A message of a thread in one or two lines (`family`: the team wrote first to them)."""
    icon = {"photo": "🖼", "voice": "🎤", "document": "📄", "help": "❓"}.get(message.kind, "")
    text = f"{icon} {message.text}".strip() or icon
    if message.direction == "out" and family:
        return context.t("families.line_to_family", children=family, text=text)
    if message.direction == "out":
        return context.t("inbox.line_answer", text=text)
    line = context.t("inbox.line_parent", text=text)
    heard = transcript_line(context.services.catalogs, context.lang, message)
    if heard or message.text_nl:
        line += "\n" + (heard or context.t("team.translated", text=message.text_nl))
    return line


async def team_button(update: Update, context: BotContext) -> None:
    """Answer, Handled, Pass on, Export under a conversation (for those who may act on it)."""
    query, press = update.callback_query, numeric_press(update, context, "conv")
    if query is None or press is None:
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        conversation = await session.get(Conversation, press.number)
        allowed = conversation is not None and await svc.may_act(
            session, member=press.member, conversation=conversation
        )
        parent = await session.get(Member, conversation.member_id) if conversation else None
    if conversation is None or parent is None or not allowed:
        await stale(update, context)
        return
    await query.answer()
    if press.action == "ans":
        if context.user_data is not None:
            pending.ask(context, ANSWERING, conversation.id)
        from bot.conversations.answer_handlers import prompt

        await reply(update, prompt(context, parent))  # says whether it can be translated
    elif press.action == "done":
        async with context.services.sessions() as session:
            await svc.set_handled(
                session, conversation=conversation, now=context.services.clock.now()
            )
        await query.edit_message_text(context.t("inbox.handled", name=parent.first_name))
    elif press.action == "pass":
        await offer_colleagues(update, context, conversation)
    elif press.action == "export" and press.member.role == Role.COORDINATOR:
        await export(update, context, conversation, parent)


async def offer_colleagues(update: Update, context: BotContext, conversation: Conversation) -> None:
    """Pass on: the colleagues as buttons."""
    member = context.member
    assert member is not None
    async with context.services.sessions() as session:
        people = await svc.colleagues(session, member=member)
    buttons = [(p.first_name, f"convp:{conversation.id}:{p.id}") for p in people]
    await reply(update, context.t("inbox.pass_to"), keyboard(in_columns(buttons, 2)))


async def pass_to(update: Update, context: BotContext) -> None:
    """A colleague was chosen: the conversation is theirs now, and they are told."""
    query, member, fields = update.callback_query, context.member, pressed(update, "convp", "##")
    if query is None or member is None or fields is None:
        await stale(update, context)
        return
    services = context.services
    async with services.sessions() as session:
        conversation = await session.get(Conversation, fields.numbers[0])
        colleague = await session.get(Member, fields.numbers[1])
        ok = (
            conversation is not None and colleague is not None
            and colleague.school_id == member.school_id and colleague.role != Role.PARENT
            and colleague.status == MemberStatus.ACTIVE
            and await svc.may_act(session, member=member, conversation=conversation)
        )  # fmt: skip
        if not ok or conversation is None or colleague is None:
            await stale(update, context)
            return
        conversation.assigned_to = colleague.id
        session.add(conversation)
        await session.commit()
        parent = await session.get(Member, conversation.member_id)
        last = await svc.thread(session, conversation_id=conversation.id or 0, last=1)
    await query.answer()
    await query.edit_message_text(context.t("inbox.passed", name=colleague.first_name))
    if parent is not None and last:
        await notify_team(context, parent, last[-1], None, team=[colleague])


async def answer(update: Update, context: BotContext) -> None:
    """The team member's answer (in Dutch): translated, delivered to the parent, stored."""
    member, user_data, msg = context.member, context.user_data, update.effective_message
    if member is None or user_data is None or msg is None or ANSWERING not in user_data:
        return
    services = context.services
    async with services.sessions() as session:
        conversation = await session.get(Conversation, user_data.pop(ANSWERING))
        parent = await session.get(Member, conversation.member_id) if conversation else None
        allowed = conversation is not None and await svc.may_act(
            session, member=member, conversation=conversation
        )
    if conversation is None or parent is None or not allowed:
        await reply(update, context.t("inbox.gone"))
        raise ApplicationHandlerStop
    from bot.conversations.answer_handlers import confirmation, deliver_answer

    voice = msg.voice.file_id if msg.voice else None  # a spoken answer: its Dutch words, if a model
    heard = (
        await hear(services, context.bot, voice, services.settings.default_language)
        if voice
        else None
    )
    text = heard[0] if heard else (msg.text or "🎤")
    outcome = await deliver_answer(
        context, conversation, parent, member, text, voice=voice, transcribed=heard is not None
    )
    await reply(update, confirmation(context, parent, outcome))
    raise ApplicationHandlerStop


async def export(
    update: Update, context: BotContext, conversation: Conversation, parent: Member
) -> None:
    """A conversation as a text file (a parent's right to see their data)."""
    async with context.services.sessions() as session:
        messages = await svc.thread(session, conversation_id=conversation.id or 0, last=10_000)
        labels = await family_labels(session, messages)
    lines = [context.t("inbox.export_title", name=parent.first_name)]
    for message in messages:
        stamp = message.created_at.astimezone(context.services.settings.tz).strftime(
            "%Y-%m-%d %H:%M"
        )
        lines.append(f"[{stamp}] {line_of(context, message, labels.get(message.family_id or 0))}")
    data = "\n".join(lines).encode()
    chat = update.effective_chat
    if chat is not None:
        name = f"conversation-{conversation.id}.txt"
        await chat.send_document(
            InputFile(data, filename=name), caption=context.t("inbox.export_caption")
        )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/inbox and the buttons under conversations."""
    app.add_handler(CommandHandler("inbox", inbox), group=GROUP_FEATURES)
    app.add_handler(
        CallbackQueryHandler(team_button, pattern=r"^conv:(ans|done|pass|export):"),
        group=GROUP_FEATURES,
    )
    app.add_handler(CallbackQueryHandler(pass_to, pattern=r"^convp:"), group=GROUP_FEATURES)
    pending.expect(app, ANSWERING, answer, accepts=pending.TEXT | filters.VOICE)
