"""Conversations between a parent and the school team: threads, who may act, answers, retention."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations import follow_ups
from bot.conversations.team import team_for_parent
from bot.models import (
    ClassMembership,
    Conversation,
    ConversationStatus,
    InboxMessage,
    Member,
    MemberStatus,
    Role,
)

INBOX_PAGE = 10


async def open_conversation(
    session: AsyncSession, *, parent: Member, now: datetime
) -> tuple[Conversation, bool]:
    """The parent's open conversation (or a new one), and whether it is new or answered since.

    Every message reaches the team (bot/conversations/follow_ups.py); the flag only matters for
    a question about an announcement when its author has left.
    """
    found = await session.exec(
        select(Conversation).where(
            Conversation.member_id == parent.id, Conversation.status == ConversationStatus.OPEN
        )
    )
    conversation = found.first()
    if conversation is not None:
        notify = not conversation.unread
        # Guarded: a teacher may mark it handled at this very moment (updates of different people
        # run side by side); then the message starts a new conversation instead of vanishing.
        still_open = await session.exec(
            update(Conversation)
            .where(
                col(Conversation.id) == conversation.id,
                col(Conversation.status) == ConversationStatus.OPEN,
            )
            .values(unread=True, updated_at=now)
        )
        if still_open.rowcount == 1:
            await session.commit()
            await session.refresh(conversation)
            return conversation, notify
    notify = True
    conversation = Conversation(
        school_id=parent.school_id, member_id=parent.id or 0, created_at=now, updated_at=now
    )
    conversation.unread = True
    session.add(conversation)
    await session.commit()
    return conversation, notify


async def team_for(session: AsyncSession, *, conversation: Conversation) -> list[Member]:
    """Who hears about a conversation: the colleague it was passed to, or the usual team."""
    if conversation.assigned_to is not None:
        colleague = await session.get(Member, conversation.assigned_to)
        if colleague is not None and colleague.status == MemberStatus.ACTIVE:
            return [colleague]
    if conversation.to_school:
        return await coordinators(session, school_id=conversation.school_id)
    parent = await session.get(Member, conversation.member_id)
    return await team_for_parent(session, parent=parent) if parent else []


async def coordinators(session: AsyncSession, *, school_id: int) -> list[Member]:
    """The school's active coordinators."""
    rows = await session.exec(
        select(Member).where(
            Member.school_id == school_id,
            Member.role == Role.COORDINATOR,
            Member.status == MemberStatus.ACTIVE,
        )
    )
    return list(rows)


async def teaches_parent(session: AsyncSession, *, teacher_id: int, parent_id: int) -> bool:
    """Whether the teacher teaches a class the parent has a child in."""
    parents_classes = select(ClassMembership.class_id).where(ClassMembership.member_id == parent_id)
    found = await session.exec(
        select(ClassMembership.id).where(
            ClassMembership.member_id == teacher_id,
            ClassMembership.kind == "teacher",
            col(ClassMembership.class_id).in_(parents_classes),
        )
    )
    return found.first() is not None


async def may_act(session: AsyncSession, *, member: Member, conversation: Conversation) -> bool:
    """Coordinators, the colleague it was passed to, and the parent's teachers may act on it."""
    if member.school_id != conversation.school_id or member.role == Role.PARENT:
        return False
    if member.role == Role.COORDINATOR or conversation.assigned_to == member.id:
        return True
    return not conversation.to_school and await teaches_parent(
        session, teacher_id=member.id or 0, parent_id=conversation.member_id
    )


async def visible(session: AsyncSession, *, member: Member) -> list[Conversation]:
    """Open conversations a team member can act on, newest first."""
    rows = await session.exec(
        select(Conversation)
        .where(
            Conversation.school_id == member.school_id,
            Conversation.status == ConversationStatus.OPEN,
        )
        .order_by(col(Conversation.updated_at).desc())
    )
    return [c for c in rows if await may_act(session, member=member, conversation=c)]


async def thread(
    session: AsyncSession, *, conversation_id: int, last: int = 4
) -> list[InboxMessage]:
    """The newest messages of a conversation, oldest first."""
    rows = await session.exec(
        select(InboxMessage)
        .where(InboxMessage.conversation_id == conversation_id)
        .order_by(col(InboxMessage.id).desc())
        .limit(last)
    )
    return list(reversed(list(rows)))


async def record_answer(
    session: AsyncSession,
    *,
    conversation: Conversation,
    author: Member,
    text: str,
    text_parent: str,
    language: str,
    now: datetime,
    family_id: int | None = None,
    file_id: str | None = None,
    kind: str = "photo",
) -> InboxMessage:
    """Store the team's answer (Dutch original and what the parent received); `family_id`: the
    team wrote first to that family; `file_id`: a photo (or `kind`: voice) sent with it."""
    answer = InboxMessage(
        school_id=conversation.school_id, member_id=conversation.member_id,
        conversation_id=conversation.id, direction="out", author_id=author.id, text=text,
        text_parent=text_parent, language=language, created_at=now, family_id=family_id,
        kind=kind if file_id else "text", file_id=file_id,
    )  # fmt: skip
    conversation.unread, conversation.updated_at = False, now
    conversation.notified_at = None  # the parent's next message is a new turn: told at once
    session.add_all([answer, conversation])
    await follow_ups.answered(session, conversation_id=conversation.id or 0)
    await session.commit()
    return answer


async def set_handled(session: AsyncSession, *, conversation: Conversation, now: datetime) -> None:
    """The team is done with it: it leaves the inbox (a new message from the parent reopens one)."""
    conversation.status, conversation.unread, conversation.updated_at = (
        ConversationStatus.HANDLED,
        False,
        now,
    )
    session.add(conversation)
    await follow_ups.answered(session, conversation_id=conversation.id or 0)
    await session.commit()


async def colleagues(session: AsyncSession, *, member: Member) -> list[Member]:
    """The team members a conversation can be passed to (everyone active but oneself)."""
    rows = await session.exec(
        select(Member)
        .where(
            Member.school_id == member.school_id,
            col(Member.role).in_([Role.TEACHER, Role.COORDINATOR]),
            Member.status == MemberStatus.ACTIVE,
            Member.id != member.id,
        )
        .order_by(col(Member.first_name))
    )
    return list(rows)


def retention_cutoff(now: datetime, tz: ZoneInfo, retention_days: int | None) -> datetime:
    """Conversations last active before this moment are deleted.

    By default they are kept for the school year: on 1 September everything from the year
    before goes. A school may choose a number of days instead.
    """
    if retention_days:
        return now - timedelta(days=retention_days)
    local = now.astimezone(tz)
    year = local.year if local.month >= 9 else local.year - 1
    return datetime.combine(datetime(year, 9, 1).date(), time(0, 0), tzinfo=tz)


async def waiting_by_member(session: AsyncSession, *, school_id: int) -> dict[int, int]:
    """For the daily summary: how many open, unanswered conversations each team member can act on."""
    rows = await session.exec(
        select(Conversation).where(
            Conversation.school_id == school_id,
            Conversation.status == ConversationStatus.OPEN,
            col(Conversation.unread).is_(True),
        )
    )
    counts: dict[int, int] = {}
    for conversation in rows:
        for person in await team_for(session, conversation=conversation):
            counts[person.id or 0] = counts.get(person.id or 0, 0) + 1
    return counts
