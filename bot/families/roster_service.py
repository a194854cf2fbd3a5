"""Writing the roster: an import in one transaction, a new school year, removing a pupil, and
deleting at the end of the school year what left.

Guardians' class memberships follow their children: a guardian gets each class a child of theirs
is in, and loses a class none of their children is in any more. A teacher's membership is never
touched (only `kind == "guardian"` rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.codes import random_code
from bot.families.roster import Parsed, languages_text
from bot.families.roster_plan import Plan, load_roster, make_plan, pupil_label
from bot.families.service import Child, children
from bot.models import (
    ClassMembership,
    Family,
    FamilyCode,
    Guardian,
    JoinRequest,
    LinkStatus,
    Pupil,
    SchoolClass,
)


async def plan_import(session: AsyncSession, *, school_id: int, parsed: Parsed) -> Plan:
    """The report of what importing `parsed` would do; writes nothing."""
    return make_plan(parsed, await load_roster(session, school_id=school_id))


async def refresh_memberships(
    session: AsyncSession,
    *,
    family_ids: set[int],
    dropped: set[int],
    now: datetime,
    members: set[int] | None = None,
) -> None:
    """The approved guardians of these families (and `members`): a membership of each class a
    child of theirs is in; a guardian membership of a class in `dropped` that none of their
    children is in any more is removed. Flushed, not committed."""
    ids = set(members or ())
    if family_ids:
        ids |= set(
            await session.exec(
                select(Guardian.member_id).where(
                    col(Guardian.family_id).in_(family_ids),
                    Guardian.status == LinkStatus.APPROVED,
                )
            )
        )
    if not ids:
        return
    rows = await session.exec(
        select(Guardian.member_id, Pupil.class_id)
        .join(Pupil, col(Pupil.family_id) == col(Guardian.family_id))
        .where(
            col(Guardian.member_id).in_(ids),
            Guardian.status == LinkStatus.APPROVED,
            col(Pupil.left_at).is_(None),
            col(Pupil.class_id).is_not(None),
        )
    )
    wanted: dict[int, set[int]] = {member_id: set() for member_id in ids}
    for member_id, class_id in rows:
        wanted[member_id].add(class_id or 0)
    have = await session.exec(
        select(ClassMembership).where(col(ClassMembership.member_id).in_(ids))
    )
    present: dict[int, set[int]] = {member_id: set() for member_id in ids}
    for membership in have:
        present[membership.member_id].add(membership.class_id)
        keep = membership.class_id in wanted[membership.member_id]
        if membership.kind == "guardian" and membership.class_id in dropped and not keep:
            await session.delete(membership)
    session.add_all(
        ClassMembership(member_id=member_id, class_id=class_id, kind="guardian", created_at=now)
        for member_id, classes in wanted.items()
        for class_id in sorted(classes - present[member_id])
    )
    await session.flush()


async def remove_pupil(
    session: AsyncSession, *, school_id: int, pupil_id: int, now: datetime
) -> str | None:
    """Remove a pupil with every link to it (join requests; a family left empty goes with its
    guardian links and codes); memberships recomputed. Its label, or None if not found."""
    pupil = await session.get(Pupil, pupil_id)
    if pupil is None or pupil.school_id != school_id:
        return None
    roster = await load_roster(session, school_id=school_id)
    label = pupil_label(pupil, roster.class_names)
    members = await _guardian_members(session, family_ids={pupil.family_id})
    dropped = {pupil.class_id} if pupil.class_id is not None else set()
    await _delete_pupils(session, pupil_ids=[pupil_id], family_ids={pupil.family_id})
    await refresh_memberships(session, family_ids=set(), dropped=dropped, now=now, members=members)
    await session.commit()
    return label


async def _guardian_members(session: AsyncSession, *, family_ids: set[int]) -> set[int]:
    query = select(Guardian.member_id).where(col(Guardian.family_id).in_(family_ids))
    return set(await session.exec(query))


async def _delete_pupils(
    session: AsyncSession, *, pupil_ids: list[int], family_ids: set[int]
) -> int:
    """Delete pupils, their join requests, and those families left without any pupil (with
    their guardian links, join requests and codes). Returns the number of families deleted."""
    if pupil_ids:
        await session.exec(delete(JoinRequest).where(col(JoinRequest.pupil_id).in_(pupil_ids)))  # type: ignore[call-overload]
        await session.exec(delete(Pupil).where(col(Pupil.id).in_(pupil_ids)))  # type: ignore[call-overload]
    still = set(
        await session.exec(select(Pupil.family_id).where(col(Pupil.family_id).in_(family_ids)))
    )
    empty = sorted(family_ids - still)
    if empty:
        for table in (Guardian, FamilyCode):
            await session.exec(delete(table).where(col(table.family_id).in_(empty)))  # type: ignore[call-overload]
        await session.exec(delete(Family).where(col(Family.id).in_(empty)))  # type: ignore[call-overload]
    await session.flush()
    return len(empty)


def year_end_cutoff(now: datetime, tz: ZoneInfo, end: tuple[int, int]) -> datetime:
    """The start of the day after the most recent school-year end (month, day) up to `now`."""
    local = now.astimezone(tz)
    for year in (local.year, local.year - 1):
        after = datetime.combine(date(year, *end) + timedelta(days=1), time(0, 0), tzinfo=tz)
        if after <= local:
            return after
    return datetime.combine(date(local.year - 2, *end) + timedelta(days=1), time(0), tzinfo=tz)


@dataclass(frozen=True)
class Purged:
    """What the year-end deletion removed."""

    pupils: int
    families: int


async def purge_left(session: AsyncSession, *, school_id: int, before: datetime) -> Purged:
    """Delete the pupils archived before `before` (the school year's end), and the families
    left without pupils with their guardian links and codes. Members stay."""
    gone = list(
        await session.exec(
            select(Pupil.id, Pupil.family_id).where(
                Pupil.school_id == school_id,
                col(Pupil.left_at).is_not(None),
                col(Pupil.left_at) < before,
            )
        )
    )
    if not gone:
        return Purged(0, 0)
    families = await _delete_pupils(
        session, pupil_ids=[pid or 0 for pid, _ in gone], family_ids={fid for _, fid in gone}
    )
    await session.commit()
    return Purged(len(gone), families)


async def add_one(
    session: AsyncSession,
    *,
    school_id: int,
    class_id: int,
    first_name: str,
    last_initial: str,
    languages: list[str],
    family_id: int | None,
    now: datetime,
) -> str:
    """A pupil added in the bot: in a new family, or beside a sibling's (whose guardians then get
    the class too). Committed; returns its label."""
    family = await session.get(Family, family_id) if family_id else None
    if family is None or family.school_id != school_id:
        family = Family(school_id=school_id, key=f"bot-{random_code(12)}", created_at=now)
        session.add(family)
        await session.flush()
    pupil = Pupil(
        school_id=school_id, family_id=family.id or 0, class_id=class_id,
        first_name=first_name, last_initial=last_initial, languages=languages_text(languages),
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(pupil)
    await session.flush()
    await refresh_memberships(session, family_ids={family.id or 0}, dropped=set(), now=now)
    school_class = await session.get(SchoolClass, class_id)
    label = pupil_label(pupil, {class_id: school_class.name if school_class else ""})
    await session.commit()
    return label


async def find_pupils(session: AsyncSession, *, school_id: int, first_name: str) -> list[Child]:
    """Pupils at school whose first name starts with the typed one (a sibling), at most 12."""
    typed = " ".join(first_name.split()).lower()
    found = await session.exec(
        select(Pupil.id, Pupil.family_id).where(
            Pupil.school_id == school_id,
            col(Pupil.left_at).is_(None),
            func.lower(Pupil.first_name).startswith(typed, autoescape=True),
        )
    )
    rows = list(found)
    ids = {pupil_id for pupil_id, _ in rows}
    kids = await children(session, family_ids=sorted({family for _, family in rows}))
    return [c for c in kids if c.pupil_id in ids][:12]
