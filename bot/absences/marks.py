"""Absences the school noticed: a teacher's mark without a note, the family's answer, and the
children with repeated unexplained absences."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.absences.service import WINDOW, child_of, pupil_child
from bot.families.service import Child
from bot.models import (
    Absence,
    AbsenceReason,
    AbsenceSource,
    Guardian,
    LinkStatus,
    Member,
    MemberStatus,
    PermissionForm,
    Pupil,
)


async def mark(
    session: AsyncSession,
    *,
    school_id: int,
    teacher: Member,
    child: Child,
    day: date,
    now: datetime,
) -> Absence:
    """A teacher marks a child absent without a note (unexplained until the family answers)."""
    absence = Absence(
        school_id=school_id, pupil_id=child.pupil_id, class_id=child.class_id,
        source=AbsenceSource.TEACHER, first_day=day, last_day=day, reported_by=teacher.id,
        created_at=now,
    )  # fmt: skip
    session.add(absence)
    await session.commit()
    await session.refresh(absence)
    return absence


async def guardians_of(session: AsyncSession, *, pupil_id: int) -> list[Member]:
    """The approved, active guardians of a pupil's family."""
    pupil = await session.get(Pupil, pupil_id)
    if pupil is None:
        return []
    rows = await session.exec(
        select(Member)
        .join(Guardian, col(Guardian.member_id) == col(Member.id))
        .where(
            Guardian.family_id == pupil.family_id,
            Guardian.status == LinkStatus.APPROVED,
            Member.status == MemberStatus.ACTIVE,
        )
    )
    return list(rows)


@dataclass(frozen=True)
class Answered:
    """What a guardian's answer to a teacher's mark did."""

    absence: Absence
    child: Child
    first: bool  # the first answer (later ones change nothing)


async def answer_mark(
    session: AsyncSession, *, absence_id: int, member_id: int, reason: AbsenceReason, now: datetime
) -> Answered | None:
    """A guardian answers a teacher's mark; None if the child is not (any more) theirs."""
    absence = await session.get(Absence, absence_id)
    if absence is None or absence.source != AbsenceSource.TEACHER:
        return None
    child = await child_of(session, member_id=member_id, pupil_id=absence.pupil_id)
    if child is None:
        return None
    if absence.answered_at is not None:
        return Answered(absence, child, first=False)
    absence.reason, absence.answered_by, absence.answered_at = reason, member_id, now
    session.add(absence)
    await session.commit()
    await session.refresh(absence)
    return Answered(absence, child, first=True)


async def unexplained(
    session: AsyncSession, *, school_id: int, today: date, threshold: int
) -> list[tuple[Child, int]]:
    """Children with at least `threshold` unexplained teacher's marks in the last four weeks."""
    rows = await session.exec(
        select(Absence.pupil_id).where(
            Absence.school_id == school_id,
            Absence.source == AbsenceSource.TEACHER,
            Absence.reason == AbsenceReason.NONE,
            Absence.first_day > today - WINDOW,
            Absence.first_day <= today,
        )
    )
    counts = Counter(rows)
    found = [
        (await pupil_child(session, pupil_id=p), n) for p, n in counts.items() if n >= threshold
    ]
    return sorted(((c, n) for c, n in found if c is not None), key=lambda x: (-x[1], x[0].label))


def school_year_start(today: date) -> date:
    """1 September of the current school year."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


async def purge(session: AsyncSession, *, school_id: int, today: date) -> tuple[int, int]:
    """Delete the absences and permission forms (with their answers and photo consents) of past
    school years; how many of each."""
    start = school_year_start(today)
    gone = list(
        await session.exec(
            select(Absence).where(Absence.school_id == school_id, Absence.last_day < start)
        )
    )
    first_day = datetime.combine(start, time(0, 0), tzinfo=UTC)
    forms = list(
        await session.exec(
            select(PermissionForm).where(
                PermissionForm.school_id == school_id, PermissionForm.deadline < first_day
            )
        )
    )
    for row in [*gone, *forms]:
        await session.delete(row)
    await session.commit()
    return len(gone), len(forms)
