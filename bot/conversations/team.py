"""Who on the school team hears about a parent's message."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import ClassMembership, Member, MemberStatus, Role


async def team_for_parent(session: AsyncSession, *, parent: Member) -> list[Member]:
    """The teachers of the parent's classes; the coordinators when no teacher is linked."""
    classes = select(ClassMembership.class_id).where(ClassMembership.member_id == parent.id)
    teachers = list(
        await session.exec(
            select(Member)
            .join(ClassMembership, col(ClassMembership.member_id) == col(Member.id))
            .where(
                Member.school_id == parent.school_id,
                col(ClassMembership.class_id).in_(classes),
                ClassMembership.kind == "teacher",
                col(Member.role).in_([Role.TEACHER, Role.COORDINATOR]),
                Member.status == MemberStatus.ACTIVE,
            )
            .distinct()
        )
    )
    if teachers:
        return teachers
    return list(
        await session.exec(
            select(Member).where(
                Member.school_id == parent.school_id,
                Member.role == Role.COORDINATOR,
                Member.status == MemberStatus.ACTIVE,
            )
        )
    )
