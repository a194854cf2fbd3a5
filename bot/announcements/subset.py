"""Announcements to some families of a class (a swimming group, those who did not see the last
one): the children chosen in the draft (`announcement.pupil_ids`) and the guardians they reach.

Empty `pupil_ids` means every family of the classes. Otherwise only the approved guardians of
the chosen children's families who are also guardians of the announcement's classes get a copy:
one per guardian, however many of their children were chosen.
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.service import class_ids_of, recipients
from bot.families.service import Child, children
from bot.models import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    DeliveryStatus,
    Guardian,
    LinkStatus,
    Member,
    Pupil,
)


def pupil_ids_of(announcement: Announcement) -> list[int]:
    """The children whose families an announcement goes to (empty: every family)."""
    return [int(x) for x in announcement.pupil_ids.split(",") if x]


async def audience(session: AsyncSession, *, announcement: Announcement) -> list[Member]:
    """Who gets a copy: the classes' guardians, or only those of the chosen children's families."""
    people = await recipients(
        session, school_id=announcement.school_id, class_ids=class_ids_of(announcement)
    )
    chosen = pupil_ids_of(announcement)
    if not chosen:
        return people
    linked = set(
        await session.exec(
            select(Guardian.member_id)
            .join(Pupil, col(Pupil.family_id) == col(Guardian.family_id))
            .where(
                col(Pupil.id).in_(chosen),
                col(Pupil.class_id).in_(class_ids_of(announcement)),
                col(Pupil.left_at).is_(None),
                Guardian.status == LinkStatus.APPROVED,
            )
        )
    )
    return [person for person in people if person.id in linked]


async def choosable(session: AsyncSession, *, announcement: Announcement) -> list[Child]:
    """The children of the announcement's classes, by class and first name."""
    found: list[Child] = []
    for class_id in class_ids_of(announcement):
        found += await children(session, class_id=class_id)
    return sorted(found, key=lambda c: (c.class_name, c.first_name, c.pupil_id))


async def set_chosen(
    session: AsyncSession, *, announcement: Announcement, pupil_ids: set[int]
) -> list[int]:
    """Store the chosen children (only those of the announcement's classes count); their ids."""
    allowed = {c.pupil_id for c in await choosable(session, announcement=announcement)}
    kept = sorted(pupil_ids & allowed)
    announcement.pupil_ids = ",".join(str(p) for p in kept)
    session.add(announcement)
    await session.commit()
    return kept


async def previous(session: AsyncSession, *, announcement: Announcement) -> Announcement | None:
    """The author's last announcement before this one that went out to parents."""
    rows = await session.exec(
        select(Announcement)
        .where(
            Announcement.author_id == announcement.author_id,
            Announcement.school_id == announcement.school_id,
            col(Announcement.id) < (announcement.id or 0),
            col(Announcement.status).in_([AnnouncementStatus.SENDING, AnnouncementStatus.SENT]),
        )
        .order_by(col(Announcement.id).desc())
        .limit(1)
    )
    return rows.first()


async def not_seen_children(
    session: AsyncSession, *, announcement: Announcement, before: Announcement
) -> set[int]:
    """Children of the announcement's classes whose family got `before` (a guardian's copy was
    sent) and where no guardian tapped Seen on it."""
    rows = await session.exec(
        select(Guardian.family_id, Delivery.seen_at)
        .join(Delivery, col(Delivery.member_id) == col(Guardian.member_id))
        .where(
            Delivery.announcement_id == before.id,
            col(Delivery.message_id).is_not(None),
            Delivery.status != DeliveryStatus.WITHDRAWN,
            Guardian.status == LinkStatus.APPROVED,
        )
    )
    got: set[int] = set()
    saw: set[int] = set()
    for family_id, seen_at in rows:
        got.add(family_id)
        if seen_at is not None:
            saw.add(family_id)
    families = got - saw
    return {
        c.pupil_id
        for c in await choosable(session, announcement=announcement)
        if c.family_id in families
    }
