"""The outbox side of announcements: opening it (now or scheduled), edits, withdrawals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.subset import audience
from bot.models import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
)


async def confirm(
    session: AsyncSession,
    *,
    announcement_id: int,
    author_id: int,
    now: datetime,
    not_before: datetime | None = None,
) -> tuple[Announcement, int] | None:
    """Draft -> sending, with one outbox row per parent; None if not a draft of this author."""
    return await _open_outbox(
        session,
        announcement_id=announcement_id,
        author_id=author_id,
        was=AnnouncementStatus.DRAFT,
        now=now,
        not_before=not_before,
    )


async def release(
    session: AsyncSession,
    *,
    announcement_id: int,
    now: datetime,
    not_before: datetime | None = None,
    author_id: int | None = None,
) -> tuple[Announcement, int] | None:
    """A scheduled announcement falls due (or its author sends it now): open its outbox."""
    return await _open_outbox(
        session,
        announcement_id=announcement_id,
        author_id=author_id,
        was=AnnouncementStatus.SCHEDULED,
        now=now,
        not_before=not_before,
    )


async def _open_outbox(
    session: AsyncSession,
    *,
    announcement_id: int,
    author_id: int | None,
    was: AnnouncementStatus,
    now: datetime,
    not_before: datetime | None,
) -> tuple[Announcement, int] | None:
    """Move `was` -> sending exactly once and add one outbox row per parent of the audience."""
    conditions = [col(Announcement.id) == announcement_id, col(Announcement.status) == was]
    if author_id is not None:
        conditions.append(col(Announcement.author_id) == author_id)
    claimed = await session.exec(
        update(Announcement)
        .where(*conditions)
        .values(status=AnnouncementStatus.SENDING, sent_at=now)
    )
    if claimed.rowcount != 1:
        await session.rollback()
        return None
    announcement = await session.get(Announcement, announcement_id)
    assert announcement is not None
    await session.refresh(announcement)
    people = await audience(session, announcement=announcement)  # some families, or all
    for person in people:
        assert person.id is not None
        session.add(
            Delivery(
                announcement_id=announcement_id,
                member_id=person.id,
                chat_id=person.chat_id,
                language=person.language or "nl",
                next_attempt_at=not_before or now,
                voice="wanted" if person.read_aloud else None,  # bot/read_aloud/voice_copies.py
            )
        )
    await session.commit()
    return announcement, len(people)


async def schedule(
    session: AsyncSession, *, announcement_id: int, author_id: int, when: datetime
) -> Announcement | None:
    """Draft -> scheduled for `when`; None if it is not a draft of this author."""
    result = await session.exec(
        update(Announcement)
        .where(
            col(Announcement.id) == announcement_id,
            col(Announcement.author_id) == author_id,
            col(Announcement.status) == AnnouncementStatus.DRAFT,
        )
        .values(status=AnnouncementStatus.SCHEDULED, scheduled_for=when)
    )
    await session.commit()
    if result.rowcount != 1:
        return None
    announcement = await session.get(Announcement, announcement_id)
    if announcement is not None:
        await session.refresh(announcement)
    return announcement


async def scheduled(session: AsyncSession, *, school_id: int) -> list[Announcement]:
    """A school's announcements waiting for their time (armed again at start-up)."""
    rows = await session.exec(
        select(Announcement).where(
            Announcement.school_id == school_id,
            Announcement.status == AnnouncementStatus.SCHEDULED,
        )
    )
    return list(rows)


async def revise(
    session: AsyncSession, *, announcement_id: int, author_id: int, text: str, now: datetime
) -> int | None:
    """The author changed the text: delivered copies are queued for editing; their number, or None."""
    announcement = await session.get(Announcement, announcement_id)
    live = (AnnouncementStatus.SENDING, AnnouncementStatus.SENT, AnnouncementStatus.SCHEDULED)
    if (
        announcement is None
        or announcement.author_id != author_id
        or announcement.status not in live
    ):
        return None
    announcement.text, announcement.edited_at = text, now
    session.add(announcement)
    result = await session.exec(
        update(Delivery)
        .where(
            col(Delivery.announcement_id) == announcement_id,
            col(Delivery.status) == DeliveryStatus.SENT,
            col(Delivery.message_id).is_not(None),
        )
        .values(
            status=DeliveryStatus.PENDING,
            action=DeliveryAction.EDIT,
            attempts=0,
            next_attempt_at=now,
        )
    )
    await session.commit()
    return result.rowcount


async def withdraw(
    session: AsyncSession, *, announcement_id: int, author_id: int, now: datetime
) -> int | None:
    """Take an announcement back: unsent copies never go, delivered ones are queued for deletion."""
    claimed = await session.exec(
        update(Announcement)
        .where(
            col(Announcement.id) == announcement_id,
            col(Announcement.author_id) == author_id,
            col(Announcement.status).in_([AnnouncementStatus.SENDING, AnnouncementStatus.SENT]),
        )
        .values(status=AnnouncementStatus.WITHDRAWN, edited_at=now)
    )
    if claimed.rowcount != 1:
        await session.rollback()
        return None
    await session.exec(
        update(Delivery)
        .where(
            col(Delivery.announcement_id) == announcement_id,
            col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]),
            col(Delivery.action) == DeliveryAction.SEND,
        )
        .values(status=DeliveryStatus.WITHDRAWN)
    )
    result = await session.exec(
        update(Delivery)
        .where(
            col(Delivery.announcement_id) == announcement_id,
            col(Delivery.message_id).is_not(None),
            col(Delivery.status).in_([DeliveryStatus.SENT, DeliveryStatus.PENDING]),
        )
        .values(
            status=DeliveryStatus.PENDING,
            action=DeliveryAction.DELETE,
            attempts=0,
            next_attempt_at=now,
        )
    )
    await session.commit()
    return result.rowcount


async def catch_up(
    session: AsyncSession,
    *,
    sent_ids: list[int],
    composed_at: dict[int, datetime | None],
    now: datetime,
) -> int:
    """Copies sent while their announcement was edited or withdrawn get the change too."""
    if not sent_ids:
        return 0
    rows = await session.exec(
        select(Delivery.id, Announcement.status, Announcement.edited_at)
        .join(Announcement, col(Announcement.id) == col(Delivery.announcement_id))
        .where(col(Delivery.id).in_(sent_ids), col(Announcement.edited_at).is_not(None))
    )
    changed = 0
    for delivery_id, status, edited_at in rows:
        if edited_at == composed_at.get(delivery_id or 0):
            continue
        action = (
            DeliveryAction.DELETE if status == AnnouncementStatus.WITHDRAWN else DeliveryAction.EDIT
        )
        await session.exec(
            update(Delivery)
            .where(col(Delivery.id) == delivery_id)
            .values(status=DeliveryStatus.PENDING, action=action, attempts=0, next_attempt_at=now)
        )
        changed += 1
    await session.commit()
    return changed
