"""Families: pupils on the roster, the guardians linked to them, personal letters' codes.

The core every family feature builds on: who is whose parent, which children a guardian has, and
joining through a personal letter (no approval needed: the school handed the letter to the family).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.codes import hash_code, random_code
from bot.models import (
    ClassMembership,
    Family,
    FamilyCode,
    Guardian,
    GuardianRole,
    LinkStatus,
    LinkVia,
    Member,
    Pupil,
    SchoolClass,
)

FAMILY_CODE_LENGTH = 12
CODE_DAYS = 120  # a letter stays good for about a school term


@dataclass(frozen=True)
class Child:
    """A pupil as guardians and staff see it."""

    pupil_id: int
    family_id: int
    first_name: str
    last_initial: str
    class_id: int | None
    class_name: str

    @property
    def label(self) -> str:
        """'Adam B. (1A)', or without the class when it has none."""
        name = f"{self.first_name} {self.last_initial}".strip()
        return f"{name} ({self.class_name})" if self.class_name else name


@dataclass(frozen=True)
class Joined:
    """What a personal letter's code did: the family, its children, whether the link is new."""

    family_id: int
    children: list[Child]
    new: bool


async def new_family(
    session: AsyncSession, *, school_id: int, now: datetime, key: str | None = None
) -> Family:
    """A family with the administration's key, or one made up (`bot-<random>`)."""
    family = Family(school_id=school_id, key=key or f"bot-{random_code(12)}", created_at=now)
    session.add(family)
    await session.flush()
    return family


async def add_pupil(
    session: AsyncSession,
    *,
    school_id: int,
    family_id: int,
    class_id: int | None,
    first_name: str,
    last_initial: str = "",
    languages: str = "",
    external_id: str | None = None,
    now: datetime,
) -> Pupil:
    """A pupil on the roster (flushed, not committed: imports add many in one transaction)."""
    pupil = Pupil(
        school_id=school_id,
        family_id=family_id,
        class_id=class_id,
        first_name=first_name,
        last_initial=last_initial,
        languages=languages,
        external_id=external_id,
        created_at=now,
        updated_at=now,
    )
    session.add(pupil)
    await session.flush()
    return pupil


async def children(
    session: AsyncSession, *, family_ids: list[int] | None = None, class_id: int | None = None
) -> list[Child]:
    """Pupils still at school, of some families or of one class, by class then first name."""
    query = (
        select(Pupil, SchoolClass.name)
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id), isouter=True)
        .where(col(Pupil.left_at).is_(None))
    )
    if family_ids is not None:
        query = query.where(col(Pupil.family_id).in_(family_ids))
    if class_id is not None:
        query = query.where(Pupil.class_id == class_id)
    rows = await session.exec(query.order_by(col(SchoolClass.name), col(Pupil.first_name)))
    return [
        Child(
            pupil_id=pupil.id or 0,
            family_id=pupil.family_id,
            first_name=pupil.first_name,
            last_initial=pupil.last_initial,
            class_id=pupil.class_id,
            class_name=class_name or "",
        )
        for pupil, class_name in rows
    ]


async def guardian_families(
    session: AsyncSession, *, member_id: int, approved_only: bool = True
) -> list[int]:
    """The families a member is a guardian of."""
    query = select(Guardian.family_id).where(Guardian.member_id == member_id)
    if approved_only:
        query = query.where(Guardian.status == LinkStatus.APPROVED)
    return list(await session.exec(query.order_by(col(Guardian.family_id))))


async def member_children(session: AsyncSession, *, member_id: int) -> list[Child]:
    """The children of every family a member is an approved guardian of."""
    families = await guardian_families(session, member_id=member_id)
    return await children(session, family_ids=families) if families else []


async def whose_parent(session: AsyncSession, *, member_id: int) -> str:
    """How the team names a parent's link: their children ('Nour B. (1A), Sara B. (3B)'), or the
    classes they are in ('1A') when no family link is confirmed yet."""
    kids = await member_children(session, member_id=member_id)
    if kids:
        return ", ".join(child.label for child in kids)
    rows = await session.exec(
        select(SchoolClass.name)
        .join(ClassMembership, col(ClassMembership.class_id) == col(SchoolClass.id))
        .where(ClassMembership.member_id == member_id, col(SchoolClass.archived).is_(False))
        .order_by(col(SchoolClass.name))
    )
    return ", ".join(rows)


async def family_guardians(
    session: AsyncSession, *, family_id: int, approved_only: bool = True
) -> list[tuple[Guardian, Member]]:
    """A family's guardians with their member rows, oldest link first."""
    query = (
        select(Guardian, Member)
        .join(Member, col(Member.id) == col(Guardian.member_id))
        .where(Guardian.family_id == family_id)
    )
    if approved_only:
        query = query.where(Guardian.status == LinkStatus.APPROVED)
    return list(await session.exec(query.order_by(col(Guardian.id))))


async def sync_class_memberships(session: AsyncSession, *, member_id: int, now: datetime) -> None:
    """Give an approved guardian a guardian membership of each class their children are in
    (what makes the class's messages reach them). Memberships of other classes stay."""
    wanted = {c.class_id for c in await member_children(session, member_id=member_id)}
    wanted.discard(None)
    have = set(
        await session.exec(
            select(ClassMembership.class_id).where(ClassMembership.member_id == member_id)
        )
    )
    for class_id in sorted(c for c in wanted if c is not None and c not in have):
        session.add(
            ClassMembership(member_id=member_id, class_id=class_id, kind="guardian", created_at=now)
        )
    await session.flush()


async def link_guardian(
    session: AsyncSession,
    *,
    school_id: int,
    family_id: int,
    member_id: int,
    via: LinkVia,
    now: datetime,
    role: GuardianRole = GuardianRole.UNKNOWN,
    decided_by: int | None = None,
) -> tuple[Guardian, bool]:
    """An approved link (new, or a pending/refused one approved) and the class memberships it
    gives; True when it is new. Flushed, not committed."""
    guardian = (
        await session.exec(
            select(Guardian).where(Guardian.member_id == member_id, Guardian.family_id == family_id)
        )
    ).first()
    new = guardian is None or guardian.status != LinkStatus.APPROVED
    if guardian is None:
        guardian = Guardian(
            school_id=school_id, family_id=family_id, member_id=member_id, created_at=now
        )
    guardian.status = LinkStatus.APPROVED
    guardian.via = guardian.via if not new else via
    if role != GuardianRole.UNKNOWN:
        guardian.role = role
    guardian.decided_at, guardian.decided_by = now, decided_by
    session.add(guardian)
    await session.flush()
    await sync_class_memberships(session, member_id=member_id, now=now)
    return guardian, new


async def issue_codes(
    session: AsyncSession,
    *,
    school_id: int,
    family_id: int,
    count: int,
    now: datetime,
    uses: int = 1,
    created_by: int | None = None,
    days: int = CODE_DAYS,
) -> list[str]:
    """New letter codes for a family (one per guardian, or one good for `uses` guardians). The
    codes are returned once for printing; only their hashes are stored. Flushed, not committed."""
    codes = [random_code(FAMILY_CODE_LENGTH) for _ in range(count)]
    session.add_all(
        FamilyCode(
            school_id=school_id,
            family_id=family_id,
            code_hash=hash_code(code),
            uses_left=uses,
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        for code in codes
    )
    await session.flush()
    return codes


async def redeem_code(
    session: AsyncSession, *, school_id: int, code: str, member: Member, now: datetime
) -> Joined | None:
    """Join a family with a letter's code: linked at once, with every child's class. None when
    the code is unknown, used up or expired. Scanning one's own letter again changes nothing."""
    assert member.id is not None
    found = (
        await session.exec(
            select(FamilyCode).where(
                FamilyCode.code_hash == hash_code(code), FamilyCode.school_id == school_id
            )
        )
    ).first()
    if found is None or found.expires_at <= now:
        return None
    already = found.family_id in await guardian_families(session, member_id=member.id)
    if not already and found.uses_left <= 0:
        return None
    _, new = await link_guardian(
        session,
        school_id=school_id,
        family_id=found.family_id,
        member_id=member.id,
        via=LinkVia.LETTER,
        now=now,
    )
    if new:
        found.uses_left -= 1
        session.add(found)
    await session.commit()
    kids = await children(session, family_ids=[found.family_id])
    return Joined(family_id=found.family_id, children=kids, new=new)


async def set_role(
    session: AsyncSession, *, member_id: int, family_id: int, role: GuardianRole
) -> bool:
    """Say what a guardian is to a family's children; False when they are not its guardian."""
    guardian = (
        await session.exec(
            select(Guardian).where(Guardian.member_id == member_id, Guardian.family_id == family_id)
        )
    ).first()
    if guardian is None:
        return False
    guardian.role = role
    session.add(guardian)
    await session.commit()
    return True
