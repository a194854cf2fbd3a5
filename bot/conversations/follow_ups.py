"""Every message a parent writes reaches the team: when, and which messages one notification holds.

At most one notification per conversation every THROTTLE; what the parent writes meanwhile is
folded into the next one (nothing is lost). A message in the school's quiet hours is told when
they end (the next school morning). The due moment lives in the database
(`conversation.notify_due_at`), so a restart re-arms it. A team answer or "Handled" after the
parent's last message cancels a notification still waiting (`answered`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, update
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import Conversation, InboxMessage
from bot.school.quiet import quiet_until

THROTTLE = timedelta(minutes=10)


def due_moment(
    *,
    now: datetime,
    notified_at: datetime | None,
    waiting: datetime | None,
    tz: ZoneInfo,
    quiet: tuple[str, str],
) -> datetime:
    """When the team hears of a new message: now, or when the throttle or the quiet hours end."""
    due = now if notified_at is None or now - notified_at >= THROTTLE else notified_at + THROTTLE
    if waiting is not None:  # a notification already waits: the message joins it
        due = min(due, max(waiting, now))
    return quiet_until(due, tz, *quiet) or due


async def plan(
    session: AsyncSession,
    *,
    conversation_id: int,
    now: datetime,
    tz: ZoneInfo,
    quiet: tuple[str, str],
) -> datetime | None:
    """Record when the conversation's waiting messages are due to be told (None: gone)."""
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    await session.refresh(conversation)
    due = due_moment(
        now=now, notified_at=conversation.notified_at, waiting=conversation.notify_due_at,
        tz=tz, quiet=quiet,
    )  # fmt: skip
    conversation.notify_due_at = due
    session.add(conversation)
    await session.commit()
    return due


async def unnotified(session: AsyncSession, *, conversation: Conversation) -> list[InboxMessage]:
    """The parent's messages the team has not been told of yet, oldest first.

    Questions about an announcement and "I don't understand" are told at once to the announcement's
    author, so they are not told twice.
    """
    query = select(InboxMessage).where(
        InboxMessage.conversation_id == conversation.id,
        InboxMessage.direction == "in",
        col(InboxMessage.announcement_id).is_(None),
    )
    if conversation.notified_upto is not None:
        query = query.where(col(InboxMessage.id) > conversation.notified_upto)
    return list(await session.exec(query.order_by(col(InboxMessage.id))))


async def claim(
    session: AsyncSession, *, conversation_id: int, now: datetime
) -> tuple[Conversation, list[InboxMessage]] | None:
    """Take the waiting notification (once, even with several bot processes) and its messages.

    None when nothing is due yet (or another process took it). The messages count as told.
    """
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    await session.refresh(conversation)
    due = conversation.notify_due_at
    if due is None or due > now:
        return None
    messages = await unnotified(session, conversation=conversation)
    upto = messages[-1].id if messages else conversation.notified_upto
    taken = await session.exec(
        update(Conversation)
        .where(col(Conversation.id) == conversation_id, col(Conversation.notify_due_at) == due)
        .values(notify_due_at=None, notified_at=now, notified_upto=upto)
    )
    await session.commit()
    if taken.rowcount != 1:
        return None
    await session.refresh(conversation)
    return conversation, messages


async def answered(session: AsyncSession, *, conversation_id: int) -> None:
    """The team answered the parent or marked the conversation handled: what the parent wrote
    until now needs no notification any more, and one still waiting (throttled, or held for the
    quiet hours) is cancelled, unless the parent wrote again meanwhile. Part of the caller's
    transaction."""
    last = (
        await session.exec(
            select(func.max(InboxMessage.id)).where(
                InboxMessage.conversation_id == conversation_id, InboxMessage.direction == "in"
            )
        )
    ).one()
    if last is None:
        return
    newer = exists().where(
        col(InboxMessage.conversation_id) == conversation_id,
        col(InboxMessage.direction) == "in",
        col(InboxMessage.announcement_id).is_(None),
        col(InboxMessage.id) > last,
    )
    mine = col(Conversation.id) == conversation_id
    told = col(Conversation.notified_upto)
    await session.exec(
        update(Conversation)
        .where(mine, or_(told.is_(None), told < last))
        .values(notified_upto=last)
    )
    await session.exec(update(Conversation).where(mine, ~newer).values(notify_due_at=None))


async def waiting(session: AsyncSession, *, school_id: int) -> list[tuple[int, datetime]]:
    """Conversations with a notification still to send, and when (re-armed at start-up)."""
    rows = await session.exec(
        select(Conversation.id, Conversation.notify_due_at).where(
            Conversation.school_id == school_id, col(Conversation.notify_due_at).is_not(None)
        )
    )
    return [(int(cid), due) for cid, due in rows if cid is not None and due is not None]
