"""A family books, changes or cancels a child's slot; the database refuses a slot taken twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.families.service import Child
from bot.meetings.service import booking_of, child_for
from bot.models import MeetingBooking, MeetingPlan, MeetingSlot, Member, Pupil

DUTCH = "nl"


async def needed_language(session: AsyncSession, *, member_id: int, pupil_id: int) -> str:
    """The language an interpreter must speak: the guardian's bot language; if that is Dutch, the
    child's home languages other than Dutch (as on the roster), if any."""
    member = await session.get(Member, member_id)
    pupil = await session.get(Pupil, pupil_id)
    language = (member.language if member else "") or DUTCH
    if language != DUTCH:
        return language
    home = [c.strip() for c in (pupil.languages if pupil else "").split(",")]
    return ",".join(c for c in dict.fromkeys(home) if c and c != DUTCH)[:40]


class Outcome(StrEnum):
    """What a press on a slot did."""

    BOOKED = "booked"
    TAKEN = "taken"  # somebody else was first: show what is still free
    CLOSED = "closed"  # after the deadline, or the plan was cancelled
    REFUSED = "refused"  # not this member's child, not this plan's slot: a stale or forged press


@dataclass(frozen=True)
class Booked:
    """The outcome, with what the answer needs."""

    outcome: Outcome
    plan: MeetingPlan | None = None
    child: Child | None = None
    slot: MeetingSlot | None = None
    booking: MeetingBooking | None = None


def is_open(plan: MeetingPlan, now: datetime) -> bool:
    """Booking, changing and cancelling are possible until the deadline."""
    return plan.status == "open" and now < plan.deadline_at


async def book(
    session: AsyncSession, *, slot_id: int, pupil_id: int, member_id: int, now: datetime
) -> Booked:
    """Book (or move a child's booking to) a slot. Of two presses on one slot the database keeps
    the first: the second gets TAKEN, never a double booking."""
    slot = await session.get(MeetingSlot, slot_id)
    plan = await session.get(MeetingPlan, slot.plan_id) if slot else None
    if slot is None or plan is None:
        return Booked(Outcome.REFUSED)
    child = await child_for(session, plan=plan, pupil_id=pupil_id, member_id=member_id)
    if child is None:
        return Booked(Outcome.REFUSED, plan)
    if not is_open(plan, now):
        return Booked(Outcome.CLOSED, plan, child)
    booking = await booking_of(session, plan_id=plan.id or 0, pupil_id=pupil_id)
    if booking is not None and booking.slot_id == slot_id:
        return Booked(Outcome.BOOKED, plan, child, slot, booking)
    if booking is None:
        booking = MeetingBooking(
            plan_id=plan.id or 0, slot_id=slot_id, pupil_id=pupil_id, family_id=child.family_id,
            member_id=member_id, created_at=now, updated_at=now,
        )  # fmt: skip
    booking.slot_id, booking.member_id, booking.updated_at = slot_id, member_id, now
    session.add(booking)
    plan_id = plan.id or 0
    try:
        await session.commit()
    except IntegrityError:  # the slot (or this child's booking) was taken a moment ago
        await session.rollback()
        return Booked(Outcome.TAKEN, await session.get(MeetingPlan, plan_id), child)
    await session.refresh(booking)
    return Booked(Outcome.BOOKED, plan, child, slot, booking)


async def _own_open_booking(
    session: AsyncSession, *, plan_id: int, pupil_id: int, member_id: int, now: datetime
) -> Booked | tuple[MeetingPlan, Child, MeetingBooking]:
    """The plan, child and booking a guardian may still change, or the refusal to answer."""
    plan = await session.get(MeetingPlan, plan_id)
    if plan is None:
        return Booked(Outcome.REFUSED)
    child = await child_for(session, plan=plan, pupil_id=pupil_id, member_id=member_id)
    booking = await booking_of(session, plan_id=plan_id, pupil_id=pupil_id)
    if child is None or booking is None:
        return Booked(Outcome.REFUSED, plan, child)
    if not is_open(plan, now):
        return Booked(Outcome.CLOSED, plan, child)
    return plan, child, booking


async def cancel(
    session: AsyncSession, *, plan_id: int, pupil_id: int, member_id: int, now: datetime
) -> Booked:
    """Cancel a child's booking (before the deadline): the slot is free again."""
    found = await _own_open_booking(
        session, plan_id=plan_id, pupil_id=pupil_id, member_id=member_id, now=now
    )
    if isinstance(found, Booked):
        return found
    plan, child, booking = found
    await session.delete(booking)
    await session.commit()
    return Booked(Outcome.BOOKED, plan, child)


async def toggle_interpreter(
    session: AsyncSession, *, plan_id: int, pupil_id: int, member_id: int, now: datetime
) -> Booked:
    """Ask for an interpreter (or a parent who speaks the family's language), or undo it."""
    found = await _own_open_booking(
        session, plan_id=plan_id, pupil_id=pupil_id, member_id=member_id, now=now
    )
    if isinstance(found, Booked):
        return found
    plan, child, booking = found
    booking.interpreter, booking.member_id, booking.updated_at = (
        not booking.interpreter,
        member_id,
        now,
    )
    booking.interpreter_language = (
        await needed_language(session, member_id=member_id, pupil_id=pupil_id)
        if booking.interpreter
        else ""
    )
    session.add(booking)
    await session.commit()
    await session.refresh(booking)
    slot = await session.get(MeetingSlot, booking.slot_id)
    return Booked(Outcome.BOOKED, plan, child, slot, booking)
