"""Language buddies: parents who help other parents in their language, only when both agree."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import BuddyRequest, Member, MemberStatus, Role

NEXT = {"yes": ("asked", "buddy_yes"), "pyes": ("buddy_yes", "agreed")}


async def buddies_for(session: AsyncSession, *, parent: Member) -> list[Member]:
    """Volunteers who speak the parent's language (as first or second language)."""
    language = parent.language or "nl"
    rows = await session.exec(
        select(Member).where(
            Member.school_id == parent.school_id,
            Member.role == Role.PARENT,
            Member.status == MemberStatus.ACTIVE,
            col(Member.buddy).is_(True),
            Member.id != parent.id,
            or_(Member.language == language, Member.second_language == language),
        )
    )
    return list(rows)


async def ask(
    session: AsyncSession, *, parent: Member, buddy: Member, asked_by: Member, now: datetime
) -> BuddyRequest:
    """A new request, waiting for the buddy's answer."""
    request = BuddyRequest(
        school_id=parent.school_id, parent_id=parent.id or 0, buddy_id=buddy.id or 0,
        asked_by=asked_by.id, created_at=now,
    )  # fmt: skip
    session.add(request)
    await session.commit()
    return request


async def answer(
    session: AsyncSession, *, request_id: int, member_id: int, action: str
) -> BuddyRequest | None:
    """Yes or no from the buddy (yes/no) or then the parent (pyes/pno), once, by the right person."""
    request = await session.get(BuddyRequest, request_id)
    if request is None:
        return None
    by_buddy = action in ("yes", "no")
    expected = "asked" if by_buddy else "buddy_yes"
    if (request.buddy_id if by_buddy else request.parent_id) != member_id:
        return None
    new = NEXT[action][1] if action in NEXT else "declined"
    result = await session.exec(
        update(BuddyRequest)
        .where(col(BuddyRequest.id) == request_id, col(BuddyRequest.status) == expected)
        .values(status=new)
    )
    await session.commit()
    if result.rowcount != 1:
        return None
    await session.refresh(request)
    return request
