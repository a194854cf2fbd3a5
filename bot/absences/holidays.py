"""Days without school, set by the office (`/absences holidays 21/12-1/1`): held absence notes,
the teachers' morning list and the parents' day buttons skip them, like weekends."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import SchoolHoliday

MAX_SPAN = 100  # calendar days in one holiday
AHEAD = 120  # how far ahead a school day is looked for
SPAN = re.compile(r"^(\d{1,2})/(\d{1,2})(?:-(\d{1,2})/(\d{1,2}))?$")


def typed_span(text: str, *, today: date) -> tuple[date, date] | None:
    """'21/12-1/1' (day/month, the coming dates) or one day '24/11'; None if not understood."""
    found = SPAN.match(text.strip())
    if not found:
        return None
    d1, m1 = int(found[1]), int(found[2])
    d2, m2 = (int(found[3]), int(found[4])) if found[3] else (d1, m1)
    try:
        first = date(today.year, m1, d1)
        last = date(today.year, m2, d2)
        if last < first:  # over New Year
            last = date(today.year + 1, m2, d2)
        if last < today:  # already past this year: next year's
            first, last = date(first.year + 1, m1, d1), date(last.year + 1, m2, d2)
    except ValueError:
        return None
    return (first, last) if (last - first).days < MAX_SPAN else None


async def add(session: AsyncSession, *, school_id: int, first: date, last: date) -> None:
    """Record days without school."""
    session.add(SchoolHoliday(school_id=school_id, first_day=first, last_day=last))
    await session.commit()


async def clear(session: AsyncSession, *, school_id: int) -> None:
    """Forget every holiday of the school."""
    await session.exec(delete(SchoolHoliday).where(col(SchoolHoliday.school_id) == school_id))
    await session.commit()


async def coming(session: AsyncSession, *, school_id: int, today: date) -> list[tuple[date, date]]:
    """The holidays not over yet, soonest first."""
    rows = await session.exec(
        select(SchoolHoliday)
        .where(SchoolHoliday.school_id == school_id, SchoolHoliday.last_day >= today)
        .order_by(col(SchoolHoliday.first_day))
    )
    return [(h.first_day, h.last_day) for h in rows]


async def days_off(session: AsyncSession, *, school_id: int, start: date) -> set[date]:
    """Every holiday date from `start` on (within AHEAD days)."""
    end = start + timedelta(days=AHEAD)
    rows = await session.exec(
        select(SchoolHoliday).where(
            SchoolHoliday.school_id == school_id,
            SchoolHoliday.last_day >= start,
            SchoolHoliday.first_day <= end,
        )
    )
    off: set[date] = set()
    for holiday in rows:
        day = max(holiday.first_day, start)
        while day <= min(holiday.last_day, end):
            off.add(day)
            day += timedelta(days=1)
    return off
