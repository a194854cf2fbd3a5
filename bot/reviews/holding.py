"""Asking a reviewer before sending: the copies in the reviewed languages wait in the outbox
until a reviewer answers (then they go with the reviewed translation) or the time limit passes
(then they go as the machine translated them; a later answer still edits them in place)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import (
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    Member,
    MemberStatus,
    Reviewer,
    ReviewRequest,
    Role,
)

HOLD = timedelta(hours=2)  # the longest copies wait for a reviewer


async def reviewed_languages(session: AsyncSession) -> set[str]:
    """The languages someone active reviews (the school's sessions see their own school)."""
    rows = await session.exec(
        select(Reviewer.language)
        .join(Member, col(Member.id) == col(Reviewer.member_id))
        .where(
            Member.status == MemberStatus.ACTIVE,
            or_(col(Member.role) != Role.PARENT, col(Member.buddy).is_(True)),
        )
        .distinct()
    )
    return set(rows)


async def hold(
    session: AsyncSession,
    *,
    announcement_id: int,
    languages: set[str],
    release_at: datetime,
) -> int:
    """The outbox was opened with every copy due at the hold's end: the copies in the other
    languages are due at `release_at` (now, or when the quiet hours end); the number held."""
    await session.exec(
        update(Delivery)
        .where(
            col(Delivery.announcement_id) == announcement_id,
            col(Delivery.language).not_in(languages),
        )
        .values(next_attempt_at=release_at)
    )
    held = await session.exec(
        select(Delivery.id).where(
            col(Delivery.announcement_id) == announcement_id,
            col(Delivery.language).in_(languages),
        )
    )
    count = len(list(held))
    await session.commit()
    return count


async def release(session: AsyncSession, *, request: ReviewRequest, now: datetime) -> int:
    """A reviewer answered: the copies still waiting in that language go (not committed)."""
    if request.hold_until is None or request.hold_until <= now:
        return 0
    result = await session.exec(
        update(Delivery)
        .where(
            col(Delivery.announcement_id) == request.announcement_id,
            col(Delivery.language) == request.language,
            col(Delivery.status) == DeliveryStatus.PENDING,
            col(Delivery.action) == DeliveryAction.SEND,
        )
        .values(next_attempt_at=max(request.release_at or now, now))
    )
    return int(result.rowcount or 0)
