"""Members from before families existed: a parent who receives a class's messages but is nobody's
guardian yet, and was never asked, is asked once whose parent they are (bot/families/
upgrade_handlers.py). They keep receiving everything meanwhile."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import ClassMembership, Guardian, Member, MemberStatus, Role, SchoolClass


async def classes_to_ask(session: AsyncSession, *, member_id: int) -> list[SchoolClass]:
    """The active classes to ask an old parent about (none once asked, or once linked)."""
    member = await session.get(Member, member_id)
    if (
        member is None
        or member.role != Role.PARENT
        or member.status != MemberStatus.ACTIVE
        or member.family_asked_at is not None
    ):
        return []
    linked = await session.exec(select(Guardian.id).where(Guardian.member_id == member_id))
    if linked.first() is not None:
        return []
    rows = await session.exec(
        select(SchoolClass)
        .join(ClassMembership, col(ClassMembership.class_id) == col(SchoolClass.id))
        .where(
            ClassMembership.member_id == member_id,
            ClassMembership.kind == "guardian",
            col(SchoolClass.archived).is_(False),
        )
        .order_by(col(SchoolClass.name))
    )
    return list(rows)
