"""Announcements: drafts, audiences, the outbox rows, seen marks and the delivery report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

if TYPE_CHECKING:
    from bot.invitations.service import Counts

from bot.models import (
    Announcement,
    AnnouncementStatus,
    ClassMembership,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    InboxMessage,
    Member,
    MemberStatus,
    Role,
    School,
    SchoolClass,
)
from bot.translation.status import DUTCH, SECOND, Tally


async def audience_classes(session: AsyncSession, *, member: Member) -> list[SchoolClass]:
    """Classes a member may write to: a teacher's own classes; every class for a coordinator."""
    query = select(SchoolClass).where(
        SchoolClass.school_id == member.school_id, col(SchoolClass.archived).is_(False)
    )
    if member.role != Role.COORDINATOR:
        query = query.join(
            ClassMembership, col(ClassMembership.class_id) == col(SchoolClass.id)
        ).where(ClassMembership.member_id == member.id, ClassMembership.kind == "teacher")
    return list(await session.exec(query.order_by(col(SchoolClass.name))))


async def recipients(
    session: AsyncSession, *, school_id: int, class_ids: list[int]
) -> list[Member]:
    """The school's active parents with a child in any of the classes, each once."""
    rows = await session.exec(
        select(Member)
        .join(ClassMembership, col(ClassMembership.member_id) == col(Member.id))
        .where(
            Member.school_id == school_id,
            col(ClassMembership.class_id).in_(class_ids),
            ClassMembership.kind == "guardian",
            Member.role == Role.PARENT,
            Member.status == MemberStatus.ACTIVE,
        )
        .distinct()
        .order_by(col(Member.id))
    )
    return list(rows)


async def create_draft(
    session: AsyncSession,
    *,
    author: Member,
    classes: list[SchoolClass],
    kind: str,
    text: str,
    now: datetime,
    file_id: str | None = None,
    file_name: str | None = None,
    album: list[str] | None = None,
    media_group: str | None = None,
) -> Announcement:
    """An announcement waiting for the author's confirmation."""
    draft = Announcement(
        school_id=author.school_id,
        author_id=author.id,
        author_chat_id=author.chat_id,
        class_ids=",".join(str(c.id) for c in classes),
        kind=kind,
        text=text,
        file_id=file_id,
        file_name=file_name,
        album="\n".join(album or []),
        media_group=media_group,
        created_at=now,
    )
    session.add(draft)
    await session.commit()
    return draft


def class_ids_of(announcement: Announcement) -> list[int]:
    """The class ids an announcement goes to."""
    return [int(x) for x in announcement.class_ids.split(",") if x]


async def cancel(session: AsyncSession, *, announcement_id: int, author_id: int) -> bool:
    """Cancel a draft or a scheduled announcement; False if already sent or not this author's."""
    result = await session.exec(
        update(Announcement)
        .where(
            col(Announcement.id) == announcement_id,
            col(Announcement.author_id) == author_id,
            col(Announcement.status).in_([AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED]),
        )
        .values(status=AnnouncementStatus.CANCELLED)
    )
    await session.commit()
    return result.rowcount == 1


async def mark_seen(
    session: AsyncSession, *, delivery_id: int, member_id: int, now: datetime
) -> bool:
    """Record that a parent saw their copy (only their own; the first time counts)."""
    delivery = await session.get(Delivery, delivery_id)
    if delivery is None or delivery.member_id != member_id:
        return False
    if delivery.seen_at is None:
        delivery.seen_at = now
        session.add(delivery)
        await session.commit()
    return True


@dataclass(frozen=True)
class Report:
    """Delivery figures of one announcement."""

    total: int
    sent: int
    failed: int
    pending: int
    seen: int
    by_language: dict[str, int]
    via_second: int
    via_original: int  # in Dutch: no model, or the translation failed when it was sent
    questions: int = 0
    rsvp: Counts | None = None  # an invitation's answers
    withdrawn: int = 0  # copies deleted or never sent because the author withdrew it
    changing: int = 0  # copies waiting to be edited or deleted
    status: Tally = field(default_factory=Tally)  # delivered copies by translation outcome

    @property
    def settled(self) -> bool:
        """No copy is waiting to be sent, edited or deleted."""
        return self.pending == 0 and self.changing == 0

    @property
    def done(self) -> bool:
        """Nothing is waiting any more."""
        return self.pending == 0


async def report(session: AsyncSession, *, announcement_id: int) -> Report:
    """Count the outbox rows of an announcement (aggregated in the database)."""
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            col(Delivery.status),
            col(Delivery.language),
            col(Delivery.via),
            col(Delivery.action),
            col(Delivery.wanted),
            func.count(),
            func.count(col(Delivery.seen_at)),
        )
        .where(Delivery.announcement_id == announcement_id)
        .group_by(
            col(Delivery.status),
            col(Delivery.language),
            col(Delivery.via),
            col(Delivery.action),
            col(Delivery.wanted),
        )
    )
    total = sent = failed = pending = seen = second = original = withdrawn = changing = 0
    by_language: Counter[str] = Counter()
    outcomes = Tally()
    for status, language, via, action, wanted, count, seen_count in rows:
        total += count
        seen += seen_count
        delivered_before = action != DeliveryAction.SEND  # an edit or deletion is under way
        changing += count if delivered_before and status != DeliveryStatus.WITHDRAWN else 0
        if status == DeliveryStatus.WITHDRAWN:
            withdrawn += count
        elif status == DeliveryStatus.SENT or delivered_before:
            sent += count
            by_language[language] += count
            second += count if via == SECOND else 0
            original += count if via in DUTCH else 0
            outcomes.add_row(via, wanted or "?", language, count)
        elif status == DeliveryStatus.FAILED:
            failed += count
        else:
            pending += count
    questions = (
        await session.exec(
            select(func.count()).where(col(InboxMessage.announcement_id) == announcement_id)
        )
    ).one()
    announcement = await session.get(Announcement, announcement_id)
    rsvp = None
    if announcement is not None and announcement.kind == "invitation":
        from bot.invitations.service import counts, event_of

        event = await event_of(session, announcement_id=announcement_id)
        rsvp = await counts(session, event_id=event.id or 0) if event else None
    return Report(
        rsvp=rsvp,
        questions=questions,
        withdrawn=withdrawn,
        changing=changing,
        total=total,
        sent=sent,
        failed=failed,
        pending=pending,
        seen=seen,
        by_language=dict(by_language.most_common()),
        via_second=second,
        via_original=original,
        status=outcomes,
    )


async def not_seen(session: AsyncSession, *, announcement_id: int) -> list[str]:
    """First names of parents who have not tapped Seen yet (⚠️ when the copy did not arrive)."""
    rows = await session.exec(
        select(Member.first_name, Delivery.status)
        .join(Member, col(Member.id) == col(Delivery.member_id))
        .where(Delivery.announcement_id == announcement_id, col(Delivery.seen_at).is_(None))
        .order_by(col(Member.first_name))
    )
    return [f"⚠️ {name}" if status == DeliveryStatus.FAILED else name for name, status in rows]


async def class_names(session: AsyncSession, *, announcement: Announcement) -> list[str]:
    """The names of the classes an announcement goes to, sorted."""
    rows = await session.exec(
        select(SchoolClass.name).where(col(SchoolClass.id).in_(class_ids_of(announcement)))
    )
    return sorted(rows)


async def school_of(session: AsyncSession, *, school_id: int) -> School:
    """The school row (quiet hours and thresholds live there)."""
    school = await session.get(School, school_id)
    if school is None:
        raise LookupError(f"no school {school_id}")
    return school


ALBUM_LIMIT = 10  # Telegram's maximum per album


async def album_draft(
    session: AsyncSession, *, author_id: int, media_group: str
) -> Announcement | None:
    """The draft an album's first photo started, if any."""
    rows = await session.exec(
        select(Announcement).where(
            Announcement.author_id == author_id,
            Announcement.media_group == media_group,
            Announcement.status == AnnouncementStatus.DRAFT,
        )
    )
    return rows.first()


async def add_to_album(
    session: AsyncSession, *, draft: Announcement, file_id: str, caption: str | None
) -> bool:
    """Add a photo to an album draft (False when it is full); a caption becomes the text."""
    photos = draft.album.split()
    if len(photos) >= ALBUM_LIMIT:
        return False
    draft.album = "\n".join([*photos, file_id])
    if caption and not draft.text:
        draft.text = caption
    session.add(draft)
    await session.commit()
    return True


async def change_unsent_text(
    session: AsyncSession, *, announcement_id: int, author_id: int, text: str
) -> Announcement | None:
    """The author changed the message a draft (or a scheduled one) was made from: it takes the
    new text. None if it is not theirs or already on its way (then ✏️ Edit changes the copies)."""
    found = await session.get(Announcement, announcement_id)
    unsent = (AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED)
    if found is None or found.author_id != author_id or found.status not in unsent:
        return None
    found.text = text
    session.add(found)
    await session.commit()
    return found


async def remember_report(session: AsyncSession, *, announcement_id: int, message_id: int) -> None:
    """The author's message that shows the preview, and later the delivery report."""
    await session.exec(
        update(Announcement)
        .where(col(Announcement.id) == announcement_id)
        .values(report_message_id=message_id)
    )
    await session.commit()
