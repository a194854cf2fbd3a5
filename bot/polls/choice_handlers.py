"""Own words awaited: the next message goes into the poll, or, when that is not certain, the
parent chooses where it goes. Nothing is assumed, nothing is silently passed on or dropped.

While the bot remembers asking (memory), the next message is the anonymous answer. After a
restart only the `poll_writing` row says words are awaited (bot/polls/writing.py): the parent
may have left the question meanwhile and be writing to the teacher. Then the message is held
in memory, quoted back, and the parent chooses: 🗳️ into the poll (anonymous) or 📨 to the
teacher, which passes it on exactly as any message of theirs (and deletes the row). The same
happens when the poll closed while the words were awaited (only 📨 then). A press from before
another restart finds nothing held: it is answered as stale and the parent is asked to send the
message again; a forged press (data not on its message) is answered as stale.
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, filters

from bot.conversations import handlers as conversations
from bot.core.limits import cut
from bot.models import Member, Poll, PollStatus, PollWriting, Role
from bot.onboarding.handlers import stale
from bot.polls import answer_handlers as answers
from bot.polls import free_text_handlers as free_text
from bot.polls import writing
from bot.polls.views import poll_flow
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, Button, keyboard, pressed, reply
from bot.telegram.context import BotContext

HELD = "poll_held"  # user_data: the messages awaiting a choice, their token, question, "poll"
SETTLED = "poll_held_settled"  # user_data: tokens already chosen (a second press is stale)
TO_POLL, TO_TEAM = "p", "t"
QUOTED = 3500  # the words quoted back, in UTF-16 units (the question's own text fits beside them)
MARKS = {"voice": "🎤", "audio": "🎵", "photo": "🖼️", "document": "📎", "video": "🎬"}


async def written(update: Update, context: BotContext) -> None:
    """The next message after Something else (the bot remembers it is awaited)."""
    member = context.member
    if member is not None:
        async with context.services.sessions() as session:
            row = await writing.awaited(
                session, key=free_text.key_of(context, member), today=free_text.today(context)
            )
        await _take(update, context, member, row)
    raise ApplicationHandlerStop


async def _take(
    update: Update, context: BotContext, member: Member, row: PollWriting | None
) -> None:
    """Store the words as the anonymous answer, or say why not; never pass them on unasked."""
    msg = update.effective_message
    if msg is None:
        return
    words = (msg.text or "").strip()
    if row is not None and not words:  # a voice note, photo, file, sticker: not anonymous
        await reply(update, context.t("poll.type_it"))
        return
    prompt = context.user_data.get(answers.WAITING) if context.user_data is not None else None
    await answers.stop_writing(context, member)
    if prompt is not None:  # the prompt's Skip/Stop no longer apply
        with contextlib.suppress(TelegramError):
            await context.bot.edit_message_reply_markup(member.chat_id, prompt, reply_markup=None)
    if row is None:  # the poll closed (or the row expired) meanwhile: the parent decides
        await _hold(update, context, poll_open=False)
        return
    await free_text.into_poll(update, context, member, row, words, [msg.message_id])


async def claimed(update: Update, context: BotContext) -> bool:
    """A free message while words may be awaited only in the database (after a restart): held
    and the parent asked where it goes; True if so."""
    member, user_data = context.member, context.user_data
    if member is None or user_data is None or member.role != Role.PARENT:
        return False  # staff write drafts, which reach nobody unasked
    if answers.KNOWN in user_data and HELD not in user_data:
        return False  # memory knows: no words awaited
    user_data[answers.KNOWN] = True
    async with context.services.sessions() as session:
        row = await writing.awaited(
            session, key=free_text.key_of(context, member), today=free_text.today(context)
        )
    if row is None:
        return False
    await _hold(update, context, poll_open=True)
    return True


def _quote(updates: list[Update]) -> str:
    """The held messages as the parent sent them, one a line (a mark for a voice note, photo...)."""
    lines = []
    for update in updates:
        msg = update.effective_message
        if msg is None:
            continue
        mark = next((m for kind, m in MARKS.items() if getattr(msg, kind, None)), "💬")
        words = msg.text or msg.caption or ""
        lines.append(f"{mark} {words}".strip())
    return cut("\n".join(lines), QUOTED)


async def _hold(update: Update, context: BotContext, *, poll_open: bool) -> None:
    """Keep the message in memory and ask: into the poll, or to the teacher?"""
    user_data = context.user_data
    assert user_data is not None
    held: dict[str, Any] = user_data.setdefault(
        HELD, {"token": secrets.token_urlsafe(6), "updates": [], "question": None}
    )
    held["updates"].append(update)
    held["poll"] = poll_open and held.get("poll", True)
    if held["question"] is not None:  # one question for all that is held: the newest
        with contextlib.suppress(TelegramError):
            await context.bot.edit_message_reply_markup(
                update.effective_chat.id if update.effective_chat else 0, held["question"]
            )
    quote = _quote(held["updates"])
    if held["poll"]:
        text = context.t("poll.which_way", words=quote)
    else:
        text = context.t("poll.closed") + "\n\n" + quote
    chat = update.effective_chat
    assert chat is not None
    sent = await chat.send_message(text, reply_markup=keyboard(_rows(context, held)))
    held["question"] = sent.message_id


def _rows(context: BotContext, held: dict[str, Any]) -> list[list[Button]]:
    """🗳️ into the poll (while it can take them) and 📨 to the teacher."""
    token = held["token"]
    rows = [[(context.t("poll.to_team_button"), f"pw:{token}:{TO_TEAM}")]]
    if held["poll"]:
        rows.insert(0, [(context.t("poll.to_poll_button"), f"pw:{token}:{TO_POLL}")])
    return rows


def _on_message(query: CallbackQuery) -> bool:
    """Whether the pressed data is really on the message's keyboard (else it was forged)."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    rows = markup.inline_keyboard if markup is not None else ()
    return any(button.callback_data == query.data for row in rows for button in row)


async def chose(update: Update, context: BotContext) -> None:
    """🗳️ or 📨 under held words: they go where the parent chose."""
    query, member, user_data = update.callback_query, context.member, context.user_data
    fields = pressed(update, "pw", "ww")
    if query is None or member is None or user_data is None or fields is None:
        await stale(update, context)
        return
    token, way = fields.words
    held = user_data.get(HELD)
    if held is None or held["token"] != token or way not in (TO_POLL, TO_TEAM):
        if token not in user_data.get(SETTLED, ()) and _on_message(query):
            await query.answer()  # asked before another restart: the words were in that memory
            with contextlib.suppress(TelegramError):
                await query.edit_message_reply_markup(reply_markup=None)
            await reply(update, context.t("poll.send_again"))
            return
        await stale(update, context)
        return
    if way == TO_TEAM:
        await _to_team(update, context, member, query, held)
    else:
        await _to_poll(update, context, member, query, held)


def _settle(context: BotContext, held: dict[str, Any]) -> None:
    """The choice is made: nothing held any more; a second press of its buttons is stale."""
    assert context.user_data is not None
    context.user_data.pop(HELD, None)
    settled = context.user_data.setdefault(SETTLED, [])
    settled.append(held["token"])
    del settled[:-5]


async def _to_team(
    update: Update, context: BotContext, member: Member, query: CallbackQuery, held: dict[str, Any]
) -> None:
    """📨: each held message reaches the team as it would have, and no words are awaited."""
    _settle(context, held)
    await query.answer()
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(reply_markup=None)
    async with context.services.sessions() as session:
        await writing.forget(session, key=free_text.key_of(context, member))
    if context.user_data is not None:
        context.user_data.pop(answers.WAITING, None)
    for message in held["updates"]:
        await conversations.keep_for_team(message, context, member)


async def _to_poll(
    update: Update, context: BotContext, member: Member, query: CallbackQuery, held: dict[str, Any]
) -> None:
    """🗳️: the typed words are the anonymous answer (a voice note, photo or file cannot be)."""
    services = context.services
    async with services.sessions() as session:
        row = await writing.awaited(
            session, key=free_text.key_of(context, member), today=free_text.today(context)
        )
        poll = await session.get(Poll, row.poll_id) if row is not None else None
    flow = poll_flow(services, poll)
    if row is None or poll is None or flow is None or poll.status != PollStatus.OPEN:
        # the parent left the question meanwhile, or the poll closed: only 📨 stays
        await query.answer(context.t("poll.not_awaited"), show_alert=True)
        held["poll"] = False
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=keyboard(_rows(context, held)))
        return
    _settle(context, held)
    messages = [u.effective_message for u in held["updates"] if u.effective_message is not None]
    typed = [m for m in messages if (m.text or "").strip()]
    if not typed:  # only a voice note, photo or file: the prompt again, words awaited
        pending.ask(context, answers.WAITING, query.message.message_id if query.message else None)
        await query.answer()
        rows = free_text.prompt_rows(context, poll, flow.questions[row.question].id)
        with contextlib.suppress(TelegramError):
            await query.edit_message_text(context.t("poll.type_it"), reply_markup=keyboard(rows))
        return
    async with services.sessions() as session:
        await writing.forget(session, key=free_text.key_of(context, member))
    words = "\n".join((m.text or "").strip() for m in typed)
    await free_text.into_poll(update, context, member, row, words, [m.message_id for m in typed])


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The words after Something else (text or not: never the inbox unasked), and the choice."""
    pending.expect(app, answers.WAITING, written, accepts=filters.ALL)
    app.add_handler(CallbackQueryHandler(chose, pattern=r"^pw:"), group=GROUP_FEATURES)
