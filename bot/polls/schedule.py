"""What is due for polls at a given time: invitations after quiet hours, reminders, closing.

Plain functions of (session, now): the job calls them with the clock's time, tests with a
ManualClock. At most two reminders, spaced at a third and two thirds of the poll's time (at least
a day after opening and a day apart), never during quiet hours, only to parents without a
participation record (found through the keyed hash).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import Member, Poll, PollResponse, PollStatus, School
from bot.polls.service import close, not_answered
from bot.school.quiet import quiet_until

MAX_REMINDERS = 2
SPACING = timedelta(days=1)
LAST_CALL = timedelta(hours=2)  # no reminder this close to the deadline


def _quiet(now: datetime, school: School, tz: ZoneInfo) -> bool:
    return quiet_until(now, tz, school.quiet_start, school.quiet_end) is not None


def next_reminder(poll: Poll) -> datetime | None:
    """When the next reminder is due (None: no more)."""
    if poll.opened_at is None or poll.reminders_sent >= MAX_REMINDERS:
        return None
    n = poll.reminders_sent + 1
    due = poll.opened_at + (poll.closes_at - poll.opened_at) * n / (MAX_REMINDERS + 1)
    due = max(due, poll.opened_at + SPACING * n)
    if poll.reminded_at is not None:
        due = max(due, poll.reminded_at + SPACING)
    return due if due <= poll.closes_at - LAST_CALL else None


async def _open_polls(session: AsyncSession, school_id: int) -> list[Poll]:
    return list(
        await session.exec(
            select(Poll).where(Poll.school_id == school_id, Poll.status == PollStatus.OPEN)
        )
    )


async def due_invitations(
    session: AsyncSession, *, now: datetime, school: School, tz: ZoneInfo
) -> list[int]:
    """Open polls whose invitations waited for the quiet hours to end."""
    if _quiet(now, school, tz):
        return []
    return [
        p.id or 0
        for p in await _open_polls(session, school.id or 0)
        if p.invite_at is not None and p.invite_at <= now
    ]


async def claim_invitations(session: AsyncSession, *, poll_id: int) -> Poll | None:
    """Take a poll's waiting invitations, in one guarded UPDATE (so they go out once)."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Poll)
        .where(
            col(Poll.id) == poll_id,
            col(Poll.invite_at).is_not(None),
            col(Poll.status) == PollStatus.OPEN,
        )
        .values(invite_at=None)
    )
    await session.commit()
    return await session.get(Poll, poll_id) if result.rowcount == 1 else None


async def count_invited(session: AsyncSession, *, poll_id: int, sent: int) -> None:
    """Remember how many parents got the poll."""
    poll = await session.get(Poll, poll_id)
    if poll is not None:
        poll.invited += sent
        session.add(poll)
        await session.commit()


async def due_reminders(
    session: AsyncSession, *, now: datetime, school: School, tz: ZoneInfo, secret: bytes
) -> list[tuple[Poll, list[Member]]]:
    """Polls whose next reminder is due now, with the parents who have not answered."""
    if _quiet(now, school, tz):
        return []
    due = []
    for poll in await _open_polls(session, school.id or 0):
        when = next_reminder(poll)
        if poll.invite_at is not None or when is None or when > now or poll.closes_at <= now:
            continue
        taken = await session.exec(  # type: ignore[call-overload]
            update(Poll)
            .where(col(Poll.id) == poll.id, col(Poll.reminders_sent) == poll.reminders_sent)
            .values(reminders_sent=poll.reminders_sent + 1, reminded_at=now)
        )
        await session.commit()
        if taken.rowcount != 1:  # another run sent it
            continue
        await session.refresh(poll)
        people = await not_answered(session, poll=poll, secret=secret)
        if people:
            due.append((poll, people))
    return due


async def close_due_polls(session: AsyncSession, *, school_id: int, now: datetime) -> list[Poll]:
    """Close every open poll of the school whose deadline has passed."""
    rows = await session.exec(
        select(Poll).where(
            Poll.school_id == school_id, Poll.status == PollStatus.OPEN, col(Poll.closes_at) <= now
        )
    )
    return [poll for poll in list(rows) if await close(session, poll=poll)]


async def respondents(session: AsyncSession, *, poll_id: int) -> int:
    """How many parents answered at least one question."""
    found = await session.exec(
        select(func.count()).select_from(PollResponse).where(PollResponse.poll_id == poll_id)
    )
    return int(found.one())


def next_due(poll: Poll, school: School, tz: ZoneInfo, now: datetime) -> datetime:
    """When something next happens to an open poll: invitations or a reminder (after the quiet
    hours), or its closing (which does not wait for the morning)."""
    times = [poll.closes_at]
    for when in (poll.invite_at, next_reminder(poll)):
        if when is None:
            continue
        when = max(when, now)
        times.append(quiet_until(when, tz, school.quiet_start, school.quiet_end) or when)
    return min(times)


async def open_polls(session: AsyncSession, *, school_id: int) -> list[Poll]:
    """Every open poll of the school."""
    return await _open_polls(session, school_id)
