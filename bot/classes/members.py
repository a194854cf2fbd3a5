"""Who is in a class, and removing a parent from it (a teacher of the class or a coordinator)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import ClassMembership, Guardian, JoinRequest, LinkStatus, Member, Pupil


async def class_parents(session: AsyncSession, *, class_id: int) -> list[Member]:
    """The members who receive a class's messages as guardians, by first name."""
    rows = await session.exec(
        select(Member)
        .join(ClassMembership, col(ClassMembership.member_id) == col(Member.id))
        .where(ClassMembership.class_id == class_id, ClassMembership.kind == "guardian")
        .order_by(col(Member.first_name), col(Member.id))
    )
    return list(rows)


async def remove_parent(session: AsyncSession, *, class_id: int, member_id: int) -> Member | None:
    """Take a parent out of a class: their membership, their pending requests for it, and their
    links to every family with a child in this class go (the teacher says they are not that
    child's guardian, so no later roster import or letter brings the class back through the
    family). Their memberships of other classes stay. None if they were not in it."""
    member = await session.get(Member, member_id)
    found = await session.exec(
        select(ClassMembership).where(
            ClassMembership.member_id == member_id,
            ClassMembership.class_id == class_id,
            ClassMembership.kind == "guardian",
        )
    )
    if member is None or found.first() is None:
        return None
    families = list(
        await session.exec(select(Guardian.family_id).where(Guardian.member_id == member_id))
    )
    only_here = list(
        set(
            await session.exec(
                select(Pupil.family_id).where(
                    col(Pupil.family_id).in_(families),
                    col(Pupil.left_at).is_(None),
                    col(Pupil.class_id) == class_id,
                )
            )
        )
    )
    await session.exec(  # type: ignore[call-overload]
        delete(Guardian).where(
            col(Guardian.member_id) == member_id, col(Guardian.family_id).in_(only_here)
        )
    )
    await session.exec(  # type: ignore[call-overload]
        delete(JoinRequest).where(
            col(JoinRequest.member_id) == member_id,
            col(JoinRequest.class_id) == class_id,
            col(JoinRequest.status) == LinkStatus.PENDING,
        )
    )
    await session.exec(  # type: ignore[call-overload]
        delete(ClassMembership).where(
            col(ClassMembership.member_id) == member_id, col(ClassMembership.class_id) == class_id
        )
    )
    await session.commit()
    return member
