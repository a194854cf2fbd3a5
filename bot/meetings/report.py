"""The coordinators' overview of meeting evenings (the dashboard's "Oudercontact" page): per
evening the booked, free and not-booked counts per class, interpreter requests per language, and
the schedule's rows for the CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.meetings import service as meet
from bot.models import MeetingPlan


@dataclass(frozen=True)
class ClassCount:
    """One class of an evening: children booked, children not booked."""

    name: str
    booked: int
    not_booked: int


@dataclass(frozen=True)
class Evening:
    """One plan as the coordinator sees it."""

    plan: MeetingPlan
    teacher: str  # "" once the teacher used /forget
    free: int  # slots nobody booked
    slots: int
    classes: list[ClassCount]
    interpreters: list[tuple[str, int]]  # language code, requests


@dataclass(frozen=True)
class ScheduleRow:
    """One booked conversation, for the CSV."""

    starts_at: datetime
    ends_at: datetime
    teacher: str
    place: str
    class_name: str
    child: str
    interpreter: str  # language codes, comma-separated; "" when none was asked
    cancelled: bool


async def evenings(session: AsyncSession, *, school_id: int) -> list[tuple[Evening, list[ScheduleRow]]]:  # fmt: skip
    """Every evening of the school, newest first, with its booked conversations in time order."""
    plans = await session.exec(
        select(MeetingPlan)
        .where(MeetingPlan.school_id == school_id)
        .order_by(col(MeetingPlan.starts_at).desc())
    )
    found = []
    for plan in list(plans):
        teacher = await meet.teacher_of(session, plan=plan)
        name = teacher.first_name if teacher else ""
        rows = await meet.slots(session, plan_id=plan.id or 0)
        kids = {c.pupil_id: c for c in await meet.audience(session, plan=plan)}
        booked = {b.pupil_id for _, b in rows if b}
        counts: dict[str, list[int]] = {}
        for child in kids.values():
            counts.setdefault(child.class_name, [0, 0])[0 if child.pupil_id in booked else 1] += 1
        schedule = [
            ScheduleRow(
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                teacher=name,
                place=plan.place,
                class_name=kids[b.pupil_id].class_name if b.pupil_id in kids else "",
                child=kids[b.pupil_id].label if b.pupil_id in kids else "",
                interpreter=b.interpreter_language if b.interpreter else "",
                cancelled=plan.status != "open",
            )
            for slot, b in rows
            if b is not None
        ]
        evening = Evening(
            plan=plan,
            teacher=name,
            free=sum(1 for _, b in rows if b is None),
            slots=len(rows),
            classes=[ClassCount(n, c[0], c[1]) for n, c in sorted(counts.items())],
            interpreters=await meet.interpreter_needs(session, plans=[plan.id or 0]),
        )
        found.append((evening, schedule))
    return found
