"""Absences: a guardian's note, a teacher's mark, the day's list, the export, repeated absences.

Only a child's own approved guardians may report or answer for it; a note starts today at the
earliest. School days are Monday to Friday, except the holidays the office set (holidays.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.families.service import Child, children, member_children
from bot.models import (
    Absence,
    AbsenceReason,
    AbsenceSource,
    ClassMembership,
    Member,
    MemberStatus,
    Pupil,
    Role,
)

NOTE_REASONS = (AbsenceReason.SICK, AbsenceReason.DOCTOR, AbsenceReason.FAMILY, AbsenceReason.OTHER)
ANSWER_REASONS = (AbsenceReason.SICK, AbsenceReason.LATE, AbsenceReason.OTHER)
MAX_DAYS = 31  # a note covers at most a month of calendar days
WINDOW = timedelta(weeks=4)  # repeated unexplained absences are counted over four weeks


class Refusal(StrEnum):
    """Why a note was not recorded."""

    NOT_YOURS = "not_yours"  # the child is not (or no longer) in one of the member's families
    PAST = "past"  # the first day lies before today
    ORDER = "order"  # the last day lies before the first, or too far after it


def school_days(start: date, count: int, off: set[date] | None = None) -> list[date]:
    """The first `count` school days (Monday to Friday, not in `off`: holidays) from `start` on."""
    days: list[date] = []
    day, off = start, off or set()
    while len(days) < count:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day += timedelta(days=1)
    return days


def day_number(day: date) -> int:
    """A day in button data: 20261123."""
    return day.year * 10000 + day.month * 100 + day.day


def from_number(value: int) -> date | None:
    """The day of `day_number`, None if it is no day."""
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


async def child_of(session: AsyncSession, *, member_id: int, pupil_id: int) -> Child | None:
    """One of the member's children (approved guardian, child still at school), else None."""
    return next(
        (c for c in await member_children(session, member_id=member_id) if c.pupil_id == pupil_id),
        None,
    )


TYPED = re.compile(
    r"^\s*(\d{1,2})[/.-](\d{1,2})\s*(?:(?:-|–|tot|to|t/m)\s*(\d{1,2})[/.-](\d{1,2}))?\s*$",
    re.ASCII,
)


def typed_days(text: str, *, today: date) -> tuple[date, date] | None:
    """'25/11' or '25/11-27/11' (day/month) -> the days, in the coming months; None if no days."""
    match = TYPED.match(text)
    if match is None:
        return None
    numbers = [int(x) for x in match.groups() if x is not None]
    found: list[date] = []
    for day, month in zip(numbers[::2], numbers[1::2], strict=True):
        try:
            when = date(today.year, month, day)
        except ValueError:
            return None
        if when < today - timedelta(days=60):  # "5/1" typed in December: next January
            when = when.replace(year=today.year + 1)
        found.append(when)
    return found[0], found[-1]


def check_days(first: date, last: date, *, today: date) -> Refusal | None:
    """A note's days: from today on, in order, at most a month."""
    if first < today:
        return Refusal.PAST
    if last < first or (last - first).days >= MAX_DAYS:
        return Refusal.ORDER
    return None


async def record_note(
    session: AsyncSession,
    *,
    school_id: int,
    member_id: int,
    pupil_id: int,
    first: date,
    last: date,
    reason: AbsenceReason,
    today: date,
    now: datetime,
    team_due_at: datetime | None,
) -> tuple[Absence, Child] | Refusal:
    """A guardian reports a child's absence; committed."""
    child = await child_of(session, member_id=member_id, pupil_id=pupil_id)
    if child is None:
        return Refusal.NOT_YOURS
    refusal = check_days(first, last, today=today)
    if refusal is not None:
        return refusal
    absence = Absence(
        school_id=school_id, pupil_id=pupil_id, class_id=child.class_id,
        source=AbsenceSource.PARENT, first_day=first, last_day=last, reason=reason,
        reported_by=member_id, created_at=now, team_due_at=team_due_at,
    )  # fmt: skip
    session.add(absence)
    await session.commit()
    await session.refresh(absence)
    return absence, child


async def add_words(
    session: AsyncSession,
    *,
    absence_id: int,
    member_id: int,
    note: str,
    note_nl: str | None,
    language: str | None,
    voice_file_id: str | None,
) -> Absence | None:
    """The guardian's own words (or voice note) to a note they just made; None if not theirs."""
    absence = await session.get(Absence, absence_id)
    if absence is None or absence.reported_by != member_id:
        return None
    if note:
        absence.note, absence.note_nl, absence.note_language = note[:1000], note_nl, language
    if voice_file_id:
        absence.voice_file_id = voice_file_id
    session.add(absence)
    await session.commit()
    await session.refresh(absence)
    return absence


async def pupil_child(session: AsyncSession, *, pupil_id: int) -> Child | None:
    """A pupil still at school, as staff see it."""
    pupil = await session.get(Pupil, pupil_id)
    if pupil is None or pupil.left_at is not None:
        return None
    found = await children(session, family_ids=[pupil.family_id])
    return next((c for c in found if c.pupil_id == pupil_id), None)


async def class_team(
    session: AsyncSession, *, school_id: int, class_id: int | None
) -> list[Member]:
    """Who hears of a child's absence: its class teachers and the school office (coordinators)."""
    active = (Member.school_id == school_id, Member.status == MemberStatus.ACTIVE)
    teachers = (
        list(
            await session.exec(
                select(Member)
                .join(ClassMembership, col(ClassMembership.member_id) == col(Member.id))
                .where(
                    *active,
                    ClassMembership.class_id == class_id,
                    ClassMembership.kind == "teacher",
                )
            )
        )
        if class_id is not None
        else []
    )
    office = list(
        await session.exec(select(Member).where(*active, Member.role == Role.COORDINATOR))
    )
    return list({m.id: m for m in teachers + office}.values())


async def teaches(session: AsyncSession, *, member: Member, class_id: int | None) -> bool:
    """A coordinator, or a teacher of the class."""
    if member.role == Role.COORDINATOR:
        return True
    if class_id is None or member.role != Role.TEACHER:
        return False
    found = await session.exec(
        select(ClassMembership.id).where(
            ClassMembership.member_id == member.id,
            ClassMembership.class_id == class_id,
            ClassMembership.kind == "teacher",
        )
    )
    return found.first() is not None


async def held(session: AsyncSession, *, school_id: int) -> list[tuple[int, datetime]]:
    """Notes whose team notification waits (quiet hours): (absence id, when)."""
    rows = await session.exec(
        select(Absence.id, Absence.team_due_at).where(
            Absence.school_id == school_id, col(Absence.team_due_at).is_not(None)
        )
    )
    return [(absence_id or 0, due) for absence_id, due in rows if due is not None]


async def claim_held(session: AsyncSession, *, absence_id: int) -> Absence | None:
    """Take a held note to tell the team (None if it was told already)."""
    absence = await session.get(Absence, absence_id)
    if absence is None or absence.team_due_at is None:
        return None
    absence.team_due_at = None
    session.add(absence)
    await session.commit()
    await session.refresh(absence)
    return absence


async def on_day(
    session: AsyncSession, *, school_id: int, day: date, class_ids: list[int] | None = None
) -> list[tuple[Absence, Child]]:
    """The absences that cover a day (of some classes), with their children."""
    query = select(Absence).where(
        Absence.school_id == school_id, Absence.first_day <= day, Absence.last_day >= day
    )
    if class_ids is not None:
        query = query.where(col(Absence.class_id).in_(class_ids))
    return await _with_children(session, list(await session.exec(query.order_by(col(Absence.id)))))


async def in_period(
    session: AsyncSession, *, school_id: int, first: date, last: date
) -> list[tuple[Absence, Child]]:
    """Every absence overlapping a period, oldest first (the office's export)."""
    query = select(Absence).where(
        Absence.school_id == school_id, Absence.first_day <= last, Absence.last_day >= first
    )
    rows = list(await session.exec(query.order_by(col(Absence.first_day), col(Absence.id))))
    return await _with_children(session, rows)


async def _with_children(session: AsyncSession, rows: list[Absence]) -> list[tuple[Absence, Child]]:
    families = list(
        await session.exec(
            select(Pupil.family_id).where(col(Pupil.id).in_({a.pupil_id for a in rows}))
        )
    )
    known = {c.pupil_id: c for c in await children(session, family_ids=families)} if rows else {}
    return [(a, known[a.pupil_id]) for a in rows if a.pupil_id in known]


async def teachers(session: AsyncSession, *, school_id: int) -> list[tuple[Member, set[int]]]:
    """Every active teacher (or coordinator teaching a class) with the classes they teach."""
    rows = await session.exec(
        select(Member, ClassMembership.class_id)
        .join(ClassMembership, col(ClassMembership.member_id) == col(Member.id))
        .where(
            Member.school_id == school_id,
            Member.status == MemberStatus.ACTIVE,
            ClassMembership.kind == "teacher",
        )
    )
    found: dict[int, tuple[Member, set[int]]] = {}
    for member, class_id in rows:
        found.setdefault(member.id or 0, (member, set()))[1].add(class_id)
    return list(found.values())


async def teacher_classes(session: AsyncSession, *, member_id: int) -> list[int]:
    """The classes a member teaches."""
    rows = await session.exec(
        select(ClassMembership.class_id).where(
            ClassMembership.member_id == member_id, ClassMembership.kind == "teacher"
        )
    )
    return list(rows)
