"""What /mydata shows of parent-teacher meetings: the bookings of the member's families (child,
time, place, an interpreter asked and for which language), cancelled evenings included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.families.service import children, guardian_families
from bot.models import MeetingBooking, MeetingPlan, MeetingSlot, Member


@dataclass(frozen=True)
class MeetingLine:
    """One booking of a child of the member's families."""

    child: str  # "Adam B. (1A)"
    starts_at: datetime
    place: str
    interpreter: bool
    language: str  # the interpreter's language codes, comma-separated ("" if not asked)
    cancelled: bool


async def meeting_data(session: AsyncSession, *, member: Member) -> list[MeetingLine]:
    """The bookings of the families the member is an approved guardian of, in time order."""
    assert member.id is not None
    families = await guardian_families(session, member_id=member.id)
    if not families:
        return []
    labels = {c.pupil_id: c.label for c in await children(session, family_ids=families)}
    rows = await session.exec(
        select(MeetingBooking, MeetingSlot, MeetingPlan)
        .join(MeetingSlot, col(MeetingSlot.id) == col(MeetingBooking.slot_id))
        .join(MeetingPlan, col(MeetingPlan.id) == col(MeetingBooking.plan_id))
        .where(col(MeetingBooking.family_id).in_(families))
        .order_by(col(MeetingSlot.starts_at))
    )
    return [
        MeetingLine(
            child=labels.get(booking.pupil_id, ""),
            starts_at=slot.starts_at,
            place=plan.place,
            interpreter=booking.interpreter,
            language=booking.interpreter_language,
            cancelled=plan.status != "open",
        )
        for booking, slot, plan in rows
    ]
