"""Figures for the coordinator dashboard, aggregated in the database and scoped to one school."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.invitations.service import Counts, counts
from bot.models import (
    Announcement,
    AnnouncementStatus,
    ClassMembership,
    Conversation,
    ConversationStatus,
    Delivery,
    DeliveryStatus,
    Event,
    InboxMessage,
    Member,
    MemberStatus,
    Poll,
    PollStatus,
    Role,
    SchoolClass,
)

SHOWN_STATUSES = (
    AnnouncementStatus.SENT,
    AnnouncementStatus.SENDING,
    AnnouncementStatus.SCHEDULED,
    AnnouncementStatus.WITHDRAWN,
)


@dataclass(frozen=True)
class Rate:
    """Copies of a group: how many were meant, delivered and seen."""

    label: str
    total: int
    delivered: int
    seen: int

    @property
    def delivered_pct(self) -> int:
        """Delivered copies as a share of all copies, rounded."""
        return round(100 * self.delivered / self.total) if self.total else 0

    @property
    def seen_pct(self) -> int:
        """Seen copies as a share of delivered ones, rounded."""
        return round(100 * self.seen / self.delivered) if self.delivered else 0


@dataclass(frozen=True)
class AnnouncementRow:
    """An announcement with its totals."""

    announcement: Announcement
    rate: Rate


def _figures() -> tuple[object, object, object]:
    delivered = func.sum(case((col(Delivery.status) == DeliveryStatus.SENT, 1), else_=0))
    return func.count(), delivered, func.count(col(Delivery.seen_at))


def _counted() -> object:
    return col(Delivery.status) != DeliveryStatus.WITHDRAWN


async def announcements(
    session: AsyncSession, *, school_id: int, limit: int = 50
) -> list[AnnouncementRow]:
    """The newest announcements of the school with delivered and seen counts."""
    found = list(
        await session.exec(
            select(Announcement)
            .where(
                Announcement.school_id == school_id,
                col(Announcement.status).in_(SHOWN_STATUSES),
            )
            .order_by(col(Announcement.id).desc())
            .limit(limit)
        )
    )
    ids = [a.id for a in found]
    total, delivered, seen = _figures()
    rows = await session.exec(
        select(Delivery.announcement_id, total, delivered, seen)  # type: ignore[call-overload]
        .where(col(Delivery.announcement_id).in_(ids), _counted())
        .group_by(col(Delivery.announcement_id))
    )
    by_id = {aid: (int(n), int(d or 0), int(s)) for aid, n, d, s in rows}
    return [AnnouncementRow(a, Rate("", *by_id.get(a.id or 0, (0, 0, 0)))) for a in found]


async def announcement(
    session: AsyncSession, *, school_id: int, announcement_id: int
) -> Announcement | None:
    """One announcement of this school (None for another school's, or none)."""
    found = await session.get(Announcement, announcement_id)
    return found if found is not None and found.school_id == school_id else None


async def by_language(session: AsyncSession, *, announcement_id: int) -> list[Rate]:
    """Delivered and seen copies per parent's language (whatever the copy's), biggest first."""
    total, delivered, seen = _figures()
    rows = await session.exec(
        select(Member.language, total, delivered, seen)  # type: ignore[call-overload]
        .join(Member, col(Member.id) == col(Delivery.member_id))
        .where(Delivery.announcement_id == announcement_id, _counted())
        .group_by(col(Member.language))
    )
    rates = [Rate(lang or "nl", int(n), int(d or 0), int(s)) for lang, n, d, s in rows]
    return sorted(rates, key=lambda r: (-r.total, r.label))


async def by_class(session: AsyncSession, *, announcement: Announcement) -> list[Rate]:
    """Delivered and seen copies per class (a parent with children in two classes counts twice)."""
    class_ids = [int(x) for x in announcement.class_ids.split(",") if x]
    total, delivered, seen = _figures()
    rows = await session.exec(
        select(SchoolClass.name, total, delivered, seen)  # type: ignore[call-overload]
        .join(ClassMembership, col(ClassMembership.member_id) == col(Delivery.member_id))
        .join(SchoolClass, col(SchoolClass.id) == col(ClassMembership.class_id))
        .where(
            Delivery.announcement_id == announcement.id,
            _counted(),
            col(ClassMembership.class_id).in_(class_ids),
            ClassMembership.kind == "guardian",
        )
        .group_by(col(SchoolClass.name))
    )
    return sorted(
        (Rate(name, int(n), int(d or 0), int(s)) for name, n, d, s in rows), key=lambda r: r.label
    )


@dataclass(frozen=True)
class Overview:
    """The school at a glance."""

    parents: int
    staff: int
    classes: int
    open_conversations: int
    open_polls: int
    upcoming_events: int


async def _count(session: AsyncSession, query: object) -> int:
    return int((await session.exec(query)).one())  # type: ignore[call-overload]


async def overview(session: AsyncSession, *, school_id: int, now: datetime) -> Overview:
    """How many parents, team members, classes; what is open or coming."""
    people = select(func.count()).where(
        Member.school_id == school_id, Member.status != MemberStatus.BLOCKED
    )
    return Overview(
        parents=await _count(session, people.where(Member.role == Role.PARENT)),
        staff=await _count(session, people.where(Member.role != Role.PARENT)),
        classes=await _count(
            session,
            select(func.count()).where(
                SchoolClass.school_id == school_id, col(SchoolClass.archived).is_(False)
            ),
        ),
        open_conversations=await _count(
            session,
            select(func.count()).where(
                Conversation.school_id == school_id,
                Conversation.status == ConversationStatus.OPEN,
            ),
        ),
        open_polls=await _count(
            session,
            select(func.count()).where(Poll.school_id == school_id, Poll.status == PollStatus.OPEN),
        ),
        upcoming_events=await _count(
            session,
            select(func.count()).where(
                Event.school_id == school_id, Event.status == "open", col(Event.starts_at) > now
            ),
        ),
    )


@dataclass(frozen=True)
class EventRow:
    """An invitation with its answers."""

    event: Event
    counts: Counts


async def events(session: AsyncSession, *, school_id: int, limit: int = 30) -> list[EventRow]:
    """The school's invitations, latest first, with yes/maybe/no and interpreter requests."""
    found = await session.exec(
        select(Event)
        .where(Event.school_id == school_id)
        .order_by(col(Event.starts_at).desc())
        .limit(limit)
    )
    return [EventRow(e, await counts(session, event_id=e.id or 0)) for e in found]


@dataclass(frozen=True)
class InboxRow:
    """An open conversation: the parent and the newest messages."""

    conversation: Conversation
    parent: Member
    messages: list[InboxMessage]


async def inbox(session: AsyncSession, *, school_id: int, last: int = 3) -> list[InboxRow]:
    """Open conversations of the school, newest first, with their last messages."""
    found = await session.exec(
        select(Conversation, Member)
        .join(Member, col(Member.id) == col(Conversation.member_id))
        .where(
            Conversation.school_id == school_id,
            Conversation.status == ConversationStatus.OPEN,
        )
        .order_by(col(Conversation.updated_at).desc())
        .limit(100)
    )
    pairs = list(found)
    ids = [c.id for c, _ in pairs]
    newest: dict[int, list[InboxMessage]] = {}
    messages = await session.exec(
        select(InboxMessage)
        .where(col(InboxMessage.conversation_id).in_(ids))
        .order_by(col(InboxMessage.id).desc())
    )
    for message in messages:  # newest first; keep the last few of each conversation
        kept = newest.setdefault(message.conversation_id or 0, [])
        if len(kept) < last:
            kept.append(message)
    return [InboxRow(c, p, list(reversed(newest.get(c.id or 0, [])))) for c, p in pairs]


async def conversation(
    session: AsyncSession, *, school_id: int, conversation_id: int
) -> Conversation | None:
    """One conversation of this school (None for another school's, or none)."""
    found = await session.get(Conversation, conversation_id)
    return found if found is not None and found.school_id == school_id else None


async def poll(session: AsyncSession, *, school_id: int, poll_id: int) -> Poll | None:
    """One started poll of this school (None for another school's, a draft, or none)."""
    found = await session.get(Poll, poll_id)
    if found is None or found.school_id != school_id or found.status == PollStatus.DRAFT:
        return None
    return found
