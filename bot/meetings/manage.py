"""A published evening changes: cancelled, or moved to another place. Only its teacher or a
coordinator may; the families who booked are the ones to tell (see bot/meetings/notices.py)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import MeetingBooking, MeetingPlan, MeetingSlot, Member, Role

OPEN, CANCELLED = "open", "cancelled"


def may_manage(plan: MeetingPlan, member: Member | None) -> bool:
    """The plan's teacher or a coordinator (the school's evening once the teacher has gone)."""
    if member is None or member.id is None:
        return False
    return plan.teacher_id == member.id or member.role == Role.COORDINATOR


def still_to_come(plan: MeetingPlan, now: datetime) -> bool:
    """An open evening that has not ended: it can be cancelled or moved."""
    return plan.status == OPEN and now < plan.ends_at


async def booked(session: AsyncSession, *, plan_id: int) -> list[tuple[MeetingBooking, MeetingSlot]]:  # fmt: skip
    """The plan's bookings with their slots, in time order."""
    rows = await session.exec(
        select(MeetingBooking, MeetingSlot)
        .join(MeetingSlot, col(MeetingSlot.id) == col(MeetingBooking.slot_id))
        .where(MeetingBooking.plan_id == plan_id)
        .order_by(col(MeetingSlot.starts_at))
    )
    return list(rows)


async def cancel_plan(
    session: AsyncSession, *, plan_id: int, member: Member, now: datetime
) -> MeetingPlan | None:
    """Cancel an evening still to come (the bookings stay, to tell the families); None if this
    member may not or it is over or cancelled already."""
    plan = await session.get(MeetingPlan, plan_id)
    if plan is None or not may_manage(plan, member) or not still_to_come(plan, now):
        return None
    plan.status = CANCELLED
    session.add(plan)
    await session.commit()
    await session.refresh(plan)
    return plan


async def move_plan(
    session: AsyncSession, *, plan_id: int, member: Member, place: str, now: datetime
) -> MeetingPlan | None:
    """Another room or video link for an evening still to come; None if not allowed or the same."""
    plan = await session.get(MeetingPlan, plan_id)
    if plan is None or not may_manage(plan, member) or not still_to_come(plan, now):
        return None
    if plan.place == place:
        return None
    plan.place = place
    session.add(plan)
    await session.commit()
    await session.refresh(plan)
    return plan
