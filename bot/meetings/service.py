"""Meeting plans: the slots of an evening, who may book, what is free, the teacher's schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.families.service import Child, children
from bot.models import (
    Guardian,
    LinkStatus,
    MeetingBooking,
    MeetingPlan,
    MeetingSlot,
    Member,
    MemberStatus,
    Pupil,
    School,
    SchoolClass,
)

MAX_SLOTS = 48  # one keyboard of free times stays readable (and under Telegram's limits)
LENGTHS = (10, 15, 20, 30)
_SPAN = re.compile(r"^\s*(\d{1,2})[:.hu](\d{2})\s*[-–]\s*(\d{1,2})[:.hu](\d{2})\s*$")


def ids(text: str) -> list[int]:
    """'3,5' -> [3, 5]."""
    return [int(x) for x in text.split(",") if x.strip().isdigit()]


def joined(numbers: list[int]) -> str:
    """[3, 5] -> '3,5'."""
    return ",".join(str(n) for n in dict.fromkeys(numbers))


def parse_break(
    text: str, *, starts: datetime, ends: datetime, tz: ZoneInfo
) -> tuple[datetime, datetime] | None:
    """'17:30-17:45' on the plan's day -> (start, end) in UTC, if it lies within the evening."""
    match = _SPAN.match(text)
    if match is None:
        return None
    h1, m1, h2, m2 = (int(x) for x in match.groups())
    if max(h1, h2) > 23 or max(m1, m2) > 59:
        return None
    day = starts.astimezone(tz)
    begin = day.replace(hour=h1, minute=m1, second=0, microsecond=0).astimezone(UTC)
    end = day.replace(hour=h2, minute=m2, second=0, microsecond=0).astimezone(UTC)
    if not starts <= begin < end <= ends:
        return None
    return begin, end


def break_spans(plan: MeetingPlan, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The plan's breaks as UTC spans."""
    spans = (parse_break(t, starts=plan.starts_at, ends=plan.ends_at, tz=tz) for t in plan.breaks.split(","))  # fmt: skip
    return [s for s in spans if s is not None]


def slot_times(
    *, starts: datetime, ends: datetime, minutes: int, breaks: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """Consecutive slots of `minutes` from `starts` to `ends`, skipping the breaks."""
    found: list[tuple[datetime, datetime]] = []
    moment, step = starts, timedelta(minutes=minutes)
    while moment + step <= ends and len(found) < MAX_SLOTS:
        clash = next((b for b in breaks if moment < b[1] and b[0] < moment + step), None)
        if clash is not None:
            moment = clash[1]
            continue
        found.append((moment, moment + step))
        moment += step
    return found


@dataclass(frozen=True)
class Draft:
    """What the teacher set up, before publishing."""

    teacher_id: int
    starts: datetime
    ends: datetime
    minutes: int
    breaks: list[str]
    place: str
    class_ids: list[int]
    invited: list[int]
    only_invited: bool


def deadline_for(starts: datetime, now: datetime) -> datetime:
    """Booking closes a day before the evening begins (an hour before, for an evening published
    less than a day ahead)."""
    day_before = starts - timedelta(days=1)
    return day_before if day_before > now else starts - timedelta(hours=1)


async def publish(
    session: AsyncSession, *, school_id: int, draft: Draft, tz: ZoneInfo, now: datetime
) -> MeetingPlan:
    """The plan and its slots, committed."""
    plan = MeetingPlan(
        school_id=school_id, teacher_id=draft.teacher_id, starts_at=draft.starts,
        ends_at=draft.ends, slot_minutes=draft.minutes, breaks=",".join(draft.breaks),
        place=draft.place, class_ids=joined(draft.class_ids), invited=joined(draft.invited),
        only_invited=draft.only_invited and bool(draft.invited),
        deadline_at=deadline_for(draft.starts, now), created_at=now,
    )  # fmt: skip
    session.add(plan)
    await session.flush()
    times = slot_times(
        starts=plan.starts_at, ends=plan.ends_at, minutes=plan.slot_minutes,
        breaks=break_spans(plan, tz),
    )  # fmt: skip
    session.add_all(MeetingSlot(plan_id=plan.id or 0, starts_at=s, ends_at=e) for s, e in times)
    await session.commit()
    await session.refresh(plan)
    return plan


async def teacher_of(session: AsyncSession, *, plan: MeetingPlan) -> Member | None:
    """The plan's teacher (None once the teacher used /forget: the evening is the school's)."""
    return await session.get(Member, plan.teacher_id) if plan.teacher_id is not None else None


async def host_name(session: AsyncSession, *, plan: MeetingPlan) -> str:
    """Who families meet, as their messages name them: the teacher's first name, or the school's
    name once the teacher used /forget (the evening is the school's then)."""
    teacher = await teacher_of(session, plan=plan)
    if teacher is not None:
        return teacher.first_name
    school = await session.get(School, plan.school_id)
    return school.name if school is not None else ""


async def audience(session: AsyncSession, *, plan: MeetingPlan) -> list[Child]:
    """The children whose families may book: of the plan's classes, or only the invited."""
    invited = set(ids(plan.invited))
    found: list[Child] = []
    for class_id in ids(plan.class_ids):
        found += await children(session, class_id=class_id)
    if plan.only_invited:
        found = [c for c in found if c.family_id in invited]
    return found


async def child_for(
    session: AsyncSession, *, plan: MeetingPlan, pupil_id: int, member_id: int
) -> Child | None:
    """The child if this member is an approved guardian of it and it may book in this plan."""
    row = (
        await session.exec(
            select(Pupil, SchoolClass.name)
            .join(Guardian, col(Guardian.family_id) == col(Pupil.family_id))
            .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id), isouter=True)
            .where(
                Pupil.id == pupil_id,
                Guardian.member_id == member_id,
                Guardian.status == LinkStatus.APPROVED,
                col(Pupil.left_at).is_(None),
            )
        )
    ).first()
    if row is None:
        return None
    pupil, class_name = row
    if pupil.class_id not in ids(plan.class_ids):
        return None
    if plan.only_invited and pupil.family_id not in ids(plan.invited):
        return None
    return Child(
        pupil_id=pupil.id or 0, family_id=pupil.family_id, first_name=pupil.first_name,
        last_initial=pupil.last_initial, class_id=pupil.class_id, class_name=class_name or "",
    )  # fmt: skip


async def slots(session: AsyncSession, *, plan_id: int) -> list[tuple[MeetingSlot, MeetingBooking | None]]:  # fmt: skip
    """Every slot of a plan with its booking (if any), in time order."""
    rows = await session.exec(
        select(MeetingSlot, MeetingBooking)
        .join(MeetingBooking, col(MeetingBooking.slot_id) == col(MeetingSlot.id), isouter=True)
        .where(MeetingSlot.plan_id == plan_id)
        .order_by(col(MeetingSlot.starts_at))
    )
    return list(rows)


async def free_slots(session: AsyncSession, *, plan_id: int) -> list[MeetingSlot]:
    """The slots nobody booked yet."""
    return [slot for slot, booking in await slots(session, plan_id=plan_id) if booking is None]


async def booking_of(session: AsyncSession, *, plan_id: int, pupil_id: int) -> MeetingBooking | None:  # fmt: skip
    """A child's booking in a plan."""
    found = await session.exec(
        select(MeetingBooking).where(MeetingBooking.plan_id == plan_id, MeetingBooking.pupil_id == pupil_id)
    )  # fmt: skip
    return found.first()


async def sibling_suggestion(
    session: AsyncSession, *, plan: MeetingPlan, child: Child, free: list[MeetingSlot] | None = None
) -> tuple[int, str] | None:
    """A free slot of this plan right after or before a sibling's booking on the same evening:
    (slot id, the sibling's first name)."""
    rows = await session.exec(
        select(MeetingSlot, Pupil.first_name)
        .join(MeetingBooking, col(MeetingBooking.slot_id) == col(MeetingSlot.id))
        .join(Pupil, col(Pupil.id) == col(MeetingBooking.pupil_id))
        .where(
            MeetingBooking.family_id == child.family_id,
            MeetingBooking.pupil_id != child.pupil_id,
            MeetingBooking.plan_id != plan.id,
        )
    )
    taken = list(rows)
    if not taken:
        return None
    if free is None:
        free = await free_slots(session, plan_id=plan.id or 0)
    for after in (True, False):  # right after a sibling's conversation first, else right before
        for booked, name in taken:
            for slot in free:
                if (
                    (slot.starts_at == booked.ends_at)
                    if after
                    else (slot.ends_at == booked.starts_at)
                ):
                    return slot.id or 0, name
    return None


async def not_booked(session: AsyncSession, *, plan: MeetingPlan) -> list[Child]:
    """The children of the plan's audience without a booking."""
    booked = set(
        await session.exec(select(MeetingBooking.pupil_id).where(MeetingBooking.plan_id == plan.id))
    )
    return [c for c in await audience(session, plan=plan) if c.pupil_id not in booked]


async def guardians_to_tell(session: AsyncSession, *, family_id: int) -> list[Member]:
    """A family's approved guardians the bot may write to."""
    from bot.families.service import family_guardians

    rows = await family_guardians(session, family_id=family_id)
    return [m for _, m in rows if m.status == MemberStatus.ACTIVE]


async def open_plans(session: AsyncSession, *, school_id: int, now: datetime) -> list[MeetingPlan]:
    """Plans still to come (their jobs are armed again at start-up)."""
    rows = await session.exec(
        select(MeetingPlan).where(
            MeetingPlan.school_id == school_id, MeetingPlan.status == "open", col(MeetingPlan.ends_at) > now
        )
    )  # fmt: skip
    return list(rows)


async def interpreter_needs(session: AsyncSession, *, plans: list[int]) -> list[tuple[str, int]]:
    """Interpreter requests per language needed (as stored with the request), over some plans; a
    request for a child of two home languages counts for both."""
    if not plans:
        return []
    rows = await session.exec(
        select(MeetingBooking.interpreter_language).where(
            col(MeetingBooking.plan_id).in_(plans), col(MeetingBooking.interpreter).is_(True)
        )
    )
    counts: dict[str, int] = {}
    for languages in rows:
        for code in (languages or "?").split(","):
            counts[code] = counts.get(code, 0) + 1
    return sorted(counts.items())


async def sibling_offers(
    session: AsyncSession, *, plan: MeetingPlan, family_id: int, school_id: int, tz: ZoneInfo
) -> list[tuple[MeetingPlan, Child, tuple[int, str]]]:
    """After one child's booking: its siblings' unbooked plans of the same evening, each with the
    free slot right after or before the booking."""
    siblings = [c for c in await children(session, family_ids=[family_id]) if c.class_id]
    if len(siblings) < 2:  # an only child (at this school): nothing to look for
        return []
    day = plan.starts_at.astimezone(tz).date()
    offers = []
    for other in await open_plans(session, school_id=school_id, now=plan.starts_at - timedelta(days=1)):  # fmt: skip
        if other.id == plan.id or other.starts_at.astimezone(tz).date() != day:
            continue
        for child in await not_booked(session, plan=other):
            if child.family_id != family_id:
                continue
            suggestion = await sibling_suggestion(session, plan=other, child=child)
            if suggestion is not None:
                offers.append((other, child, suggestion))
    return offers


async def class_teachers(session: AsyncSession, *, class_ids: list[int]) -> list[Member]:
    """The teachers of some classes (a coordinator publishes an evening for one of them)."""
    if not class_ids:
        return []
    from bot.models import ClassMembership

    rows = await session.exec(
        select(Member)
        .join(ClassMembership, col(ClassMembership.member_id) == col(Member.id))
        .where(col(ClassMembership.class_id).in_(class_ids), ClassMembership.kind == "teacher")
        .order_by(col(Member.first_name))
    )
    found: dict[int | None, Member] = {}
    for member in rows:
        found.setdefault(member.id, member)
    return list(found.values())
