"""Telling the team what parents wrote: at once, or when the throttle or the quiet hours end.

The waiting notification's moment is in the database (bot/conversations/follow_ups.py); it is
armed with the scheduler now and again at every start-up, and fired with the injected clock.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError

from bot.announcements.service import school_of
from bot.conversations import follow_ups
from bot.conversations import service as svc
from bot.conversations.transcript_jobs import transcript_line
from bot.core.i18n import Catalogs
from bot.core.limits import TEXT_LIMIT, cut, split_text
from bot.families.service import whose_parent
from bot.models import Announcement, InboxMessage, Member, MemberStatus, Role
from bot.onboarding import members
from bot.telegram.common import keyboard
from bot.telegram.context import BotData

log = logging.getLogger(__name__)
EXCERPT = 80  # of an announcement a question is about
ONE_OF_MANY = 1000  # UTF-16 units of each message in a notification that folds several
SEND_FILE = {"photo": "send_photo", "voice": "send_voice", "document": "send_document"}


def key(conversation_id: int) -> str:
    """The scheduler's name for a conversation's waiting notification."""
    return f"follow-up:{conversation_id}"


async def follow_up(services: BotData, bot: Bot, conversation_id: int) -> None:
    """A parent wrote: tell the team now, or arm the notification for when it is due."""
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
        due = await follow_ups.plan(
            session, conversation_id=conversation_id, now=services.clock.now(),
            tz=services.settings.tz, quiet=(school.quiet_start, school.quiet_end),
        )  # fmt: skip
    if due is None:
        return
    if due <= services.clock.now() or services.scheduler is None:
        await release(services, bot, conversation_id)
    else:
        services.scheduler.at(key(conversation_id), due, partial(release, services, bot, conversation_id))  # fmt: skip


async def release(services: BotData, bot: Bot, conversation_id: int) -> int:
    """Send the waiting notification (every message not told yet, folded in one); how many."""
    async with services.sessions() as session:
        taken = await follow_ups.claim(
            session, conversation_id=conversation_id, now=services.clock.now()
        )
        if taken is None:
            return 0
        conversation, messages = taken
        parent = await session.get(Member, conversation.member_id)
        team = await svc.team_for(session, conversation=conversation)
    if parent is None or not messages:
        return 0
    await tell(services, bot, parent, messages, team=team)
    return len(messages)


async def restore(services: BotData, bot: Bot) -> int:
    """At start-up: arm every notification still waiting (held in quiet hours, or throttled)."""
    if services.scheduler is None:
        return 0
    async with services.sessions() as session:
        found = await follow_ups.waiting(session, school_id=services.school_id)
    for conversation_id, due in found:
        services.scheduler.at(
            key(conversation_id), due, partial(release, services, bot, conversation_id)
        )
    return len(found)


def buttons(
    catalogs: Catalogs, lang: str, conversation_id: int | None, *, coordinator: bool = False
) -> InlineKeyboardMarkup:
    """Answer, Handled, Pass on (and for coordinators: language buddy, export)."""
    t = catalogs.t
    rows = [
        [
            (t(lang, "inbox.answer_button"), f"conv:ans:{conversation_id}"),
            (t(lang, "inbox.handled_button"), f"conv:done:{conversation_id}"),
        ],
        [(t(lang, "inbox.pass_button"), f"conv:pass:{conversation_id}")],
    ]
    if coordinator:
        rows.append(
            [
                (t(lang, "inbox.buddy_button"), f"conv:buddy:{conversation_id}"),
                (t(lang, "inbox.export_button"), f"conv:export:{conversation_id}"),
            ]
        )
    return keyboard(rows)


def note_text(
    catalogs: Catalogs, lang: str, parent: Member, messages: list[InboxMessage], classes: str
) -> str:
    """One message as before ('💬 Message from ...'); several folded under one heading."""
    first = messages[0]
    language = catalogs.language_name(first.language or "nl", lang)
    if len(messages) == 1:
        text = catalogs.t(
            lang, "team.parent_message", name=parent.first_name, classes=classes,
            language=language, text=first.text or "—",
        )  # fmt: skip
        heard = transcript_line(catalogs, lang, first)  # a voice note, machine-transcribed
        if heard or first.text_nl:
            text += "\n\n" + (heard or catalogs.t(lang, "team.translated", text=first.text_nl))
        return text
    parts = [
        catalogs.t(
            lang,
            "team.follow_ups",
            name=parent.first_name,
            classes=classes,
            language=language,
            count=len(messages),
        )
    ]
    for message in messages:
        part = "• " + cut(message.text or "📎", ONE_OF_MANY)
        heard = transcript_line(catalogs, lang, message)
        if heard:
            part += "\n  " + cut(heard, ONE_OF_MANY)
        elif message.text_nl:
            part += "\n  " + catalogs.t(lang, "team.translated", text=cut(message.text_nl, ONE_OF_MANY))  # fmt: skip
        parts.append(part)
    return "\n\n".join(parts)


async def tell(
    services: BotData,
    bot: Bot,
    parent: Member,
    messages: list[InboxMessage],
    *,
    team: list[Member],
    message_id: int | None = None,
    about: Announcement | None = None,
) -> None:
    """Tell the team: the originals, the Dutch beside them, the files, and what they can do."""
    catalogs = services.catalogs
    async with services.sessions() as session:
        whose = await whose_parent(session, member_id=parent.id or 0)
    conversation_id = messages[-1].conversation_id
    for person in team:
        lang = catalogs.pick(person.language)
        text = note_text(catalogs, lang, parent, messages, whose)
        if about is not None:
            excerpt = cut(about.text, EXCERPT) or "📎"
            text = catalogs.t(lang, "team.question_about", text=excerpt) + "\n" + text
        try:
            for stored in messages:
                if stored.file_id and message_id is not None and len(messages) == 1:
                    await bot.copy_message(person.chat_id, parent.chat_id, message_id)
                elif stored.file_id and stored.kind in SEND_FILE:
                    await getattr(bot, SEND_FILE[stored.kind])(person.chat_id, stored.file_id)
            coordinator = person.role == Role.COORDINATOR
            markup = buttons(catalogs, lang, conversation_id, coordinator=coordinator)
            *before, last = split_text(text, TEXT_LIMIT)  # a long message in parts: nothing lost
            for part in before:
                await bot.send_message(person.chat_id, part)
            await bot.send_message(person.chat_id, last, reply_markup=markup)
        except Forbidden:
            async with services.sessions() as session:
                await members.set_status(session, member=person, status=MemberStatus.BLOCKED)
        except TelegramError:
            log.warning(
                "could not tell team member %s about a parent's message", person.id, exc_info=True
            )
