"""Reach: which families the school reaches, per class, per home language and per guardian role.

One service for the bot (/reach) and the dashboard, in five grouped queries whatever the size of
the school (classes, pupils, reached guardians, the last announcements, who tapped Seen): no query
per family. A family is *reached* when at least one approved guardian has not stopped or blocked
the bot. Fathers and mothers are counted apart: families with a father reached, with a mother
reached. Week by week counts the links still present (a guardian who left is not counted back).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.sql import Executable
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    Guardian,
    GuardianRole,
    LinkStatus,
    Member,
    MemberStatus,
    Pupil,
    SchoolClass,
)

UNKNOWN = ""  # the "language" of a family without a known home language
READ_LAST = 3  # who read the class's last announcements to every family
WEEKS = 8
ROLES = (GuardianRole.FATHER, GuardianRole.MOTHER, GuardianRole.OTHER, GuardianRole.UNKNOWN)
RECENT = 1000  # announcements looked at for each class's last ones


@dataclass(frozen=True)
class Figures:
    """Reach of a group of families (a class, or every class shown)."""

    enrolled: int  # families with a pupil in the group
    reached: int
    guardians: int  # reached guardians' links of the reached families
    read: int  # families with a guardian who tapped Seen on one of the last announcements
    by_language: tuple[tuple[str, int, int], ...]  # (code or UNKNOWN, reached, enrolled)
    by_role: tuple[tuple[str, int], ...]  # (role, families with such a guardian reached)
    not_reached: tuple[int, ...]  # family ids

    @property
    def percent(self) -> float:
        """Reached / enrolled, 0..1."""
        return self.reached / self.enrolled if self.enrolled else 0.0

    @property
    def per_family(self) -> float:
        """Reached guardians per reached family."""
        return self.guardians / self.reached if self.reached else 0.0


@dataclass(frozen=True)
class ClassReach:
    """One class's figures."""

    class_id: int
    name: str
    figures: Figures
    announcements: int  # how many last announcements "read" looked at (0..READ_LAST)


@dataclass(frozen=True)
class Reach:
    """Every class shown, their total, and the total week by week (week's Monday, reached)."""

    classes: tuple[ClassReach, ...]
    total: Figures
    weeks: tuple[tuple[date, int], ...]
    announcements: int  # the most last announcements "read" looked at in one class


@dataclass
class _Family:
    languages: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    guardians: set[int] = field(default_factory=set)
    since: datetime | None = None  # when its first still-present reached link was made


def figures(families: dict[int, set[str]], reached: dict[int, _Family], read: set[int]) -> Figures:
    """The figures of families (id -> home languages) given who is reached and who read."""
    languages: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    roles = dict.fromkeys(ROLES, 0)
    guardians, not_reached = 0, []
    for family_id, codes in families.items():
        found = reached.get(family_id)
        for code in codes or {UNKNOWN}:
            languages[code][1] += 1
            languages[code][0] += found is not None
        if found is None:
            not_reached.append(family_id)
            continue
        guardians += len(found.guardians)
        for role in found.roles:
            roles[GuardianRole(role) if role in roles else GuardianRole.UNKNOWN] += 1
    ordered = sorted(languages.items(), key=lambda kv: (kv[0] == UNKNOWN, -kv[1][1], kv[0]))
    return Figures(
        enrolled=len(families),
        reached=len(families) - len(not_reached),
        guardians=guardians,
        read=len(read & families.keys()),
        by_language=tuple((code, r, e) for code, (r, e) in ordered),
        by_role=tuple((role.value, n) for role, n in roles.items()),
        not_reached=tuple(sorted(not_reached)),
    )


def week_starts(now: datetime, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks (UTC), oldest first; the last is this week's."""
    monday = now.date() - timedelta(days=now.weekday())
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


async def _rows(session: AsyncSession, query: Executable) -> Sequence[Any]:
    """A query's rows through the session's connection (plain rows: no ORM loading)."""
    return (await (await session.connection()).execute(query)).all()


async def _classes(
    session: AsyncSession, school_id: int, class_ids: list[int] | None
) -> list[tuple[int, str]]:
    query = select(SchoolClass.id, SchoolClass.name).where(
        SchoolClass.school_id == school_id, col(SchoolClass.archived).is_(False)
    )
    if class_ids is not None:
        query = query.where(col(SchoolClass.id).in_(class_ids))
    return [
        (int(i), str(n)) for i, n in await _rows(session, query.order_by(col(SchoolClass.name)))
    ]


async def _reached(session: AsyncSession, school_id: int, ids: list[int]) -> dict[int, _Family]:
    """The reached families among the pupils' families of these classes, with their guardians."""
    families = select(Pupil.family_id).where(
        Pupil.school_id == school_id, col(Pupil.left_at).is_(None), col(Pupil.class_id).in_(ids)
    )
    rows = await _rows(
        session,
        select(
            Guardian.family_id, Guardian.member_id, Guardian.role,
            func.coalesce(Guardian.decided_at, Guardian.created_at),
        )
        .join(Member, col(Member.id) == col(Guardian.member_id))
        .where(
            Guardian.school_id == school_id,
            Guardian.status == LinkStatus.APPROVED,
            Member.status == MemberStatus.ACTIVE,
            col(Guardian.family_id).in_(families),
        )
    )  # fmt: skip
    reached: dict[int, _Family] = {}
    for family_id, member_id, role, since in rows:
        found = reached.setdefault(family_id, _Family())
        found.guardians.add(member_id)
        found.roles.add(role)
        found.since = since if found.since is None else min(found.since, since)
    return reached


async def _read(
    session: AsyncSession, school_id: int, ids: list[int]
) -> tuple[dict[int, list[int]], set[tuple[int, int]]]:
    """Each class's last announcements to every family, and (announcement, member) seen pairs."""
    rows = await _rows(
        session,
        select(Announcement.id, Announcement.class_ids)
        .where(
            Announcement.school_id == school_id,
            col(Announcement.status).in_([AnnouncementStatus.SENT, AnnouncementStatus.SENDING]),
            Announcement.pupil_ids == "",
        )
        .order_by(col(Announcement.sent_at).desc(), col(Announcement.id).desc())
        .limit(RECENT),
    )
    wanted, last = set(ids), defaultdict[int, list[int]](list)
    for announcement_id, class_ids in rows:
        for part in str(class_ids).split(","):
            if part.strip().isdigit() and int(part) in wanted and len(last[int(part)]) < READ_LAST:
                last[int(part)].append(int(announcement_id))
    chosen = sorted({a for found in last.values() for a in found})
    if not chosen:
        return dict(last), set()
    seen = await _rows(
        session,
        select(Delivery.announcement_id, Delivery.member_id).where(
            col(Delivery.announcement_id).in_(chosen), col(Delivery.seen_at).is_not(None)
        ),
    )
    return dict(last), {(a, m) for a, m in seen}


async def reach(
    session: AsyncSession, *, school_id: int, now: datetime, class_ids: list[int] | None = None
) -> Reach:
    """Reach of the school's active classes (or only `class_ids`), each and together."""
    classes = await _classes(session, school_id, class_ids)
    ids = [class_id for class_id, _ in classes]
    if not ids:
        return Reach((), figures({}, {}, set()), (), 0)
    pupils = await _rows(
        session,
        select(Pupil.family_id, Pupil.class_id, Pupil.languages).where(
            Pupil.school_id == school_id, col(Pupil.left_at).is_(None), col(Pupil.class_id).in_(ids)
        ),
    )
    per_class: dict[int, dict[int, set[str]]] = defaultdict(dict)
    everyone: dict[int, set[str]] = {}
    for family_id, class_id, languages in pupils:
        codes = {code.strip() for code in str(languages).split(",") if code.strip()}
        per_class[int(class_id)].setdefault(int(family_id), set()).update(codes)
        everyone.setdefault(int(family_id), set()).update(codes)
    reached = await _reached(session, school_id, ids)
    last, seen = await _read(session, school_id, ids)
    read_all: set[int] = set()
    shown = []
    for class_id, name in classes:
        announcements = set(last.get(class_id, []))
        read = {
            family_id
            for family_id in per_class[class_id]
            if family_id in reached
            and any((a, m) in seen for a in announcements for m in reached[family_id].guardians)
        }
        read_all |= read
        found = figures(per_class[class_id], reached, read)
        shown.append(ClassReach(class_id, name, found, len(announcements)))
    ends = [
        (monday, datetime.combine(monday + timedelta(weeks=1), time(), tzinfo=UTC))
        for monday in week_starts(now)
    ]
    weeks = tuple(
        (monday, sum(1 for f in everyone if (r := reached.get(f)) and r.since and r.since < end))
        for monday, end in ends
    )
    counted = max((len(found) for found in last.values()), default=0)
    return Reach(tuple(shown), figures(everyone, reached, read_all), weeks, counted)
