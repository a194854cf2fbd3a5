"""A class's list for its teachers and the school's coordinators: each child with the guardians who
joined (role, language, last active day), the join requests waiting, and the families not reached
yet. Pupil data is seen by the class's teachers and the coordinators only (`visible_class`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import (
    ClassMembership,
    Guardian,
    JoinRequest,
    LinkStatus,
    Member,
    MemberStatus,
    Pupil,
    Role,
    SchoolClass,
)


@dataclass(frozen=True)
class GuardianLine:
    """A guardian who joined, as the class list shows them."""

    member_id: int
    first_name: str
    role: str
    language: str | None
    active_on: date | None


@dataclass(frozen=True)
class FamilyLine:
    """A family of the class: its children in this class, its reached guardians."""

    family_id: int
    children: tuple[str, ...]  # "Adam B."
    guardians: tuple[GuardianLine, ...]


@dataclass(frozen=True)
class PendingLine:
    """A join request waiting for the class teacher."""

    request_id: int
    first_name: str
    role: str
    child: str  # the pupil picked, or the name as typed


@dataclass(frozen=True)
class ClassList:
    """What /classlist shows of one class."""

    class_id: int
    name: str
    reached: tuple[FamilyLine, ...]
    not_reached: tuple[FamilyLine, ...]
    pending: tuple[PendingLine, ...]


def child_name(first_name: str, last_initial: str) -> str:
    """'Adam B.' (or just 'Adam')."""
    return f"{first_name} {last_initial}." if last_initial else first_name


async def staff_classes(
    session: AsyncSession, *, school_id: int, member_id: int, role: str
) -> list[tuple[int, str]]:
    """The classes whose list a staff member may see: every active class of the school for a
    coordinator, a teacher's own classes otherwise (nothing for a parent), by name."""
    query = select(SchoolClass.id, SchoolClass.name).where(
        SchoolClass.school_id == school_id, col(SchoolClass.archived).is_(False)
    )
    if role == Role.PARENT:
        return []
    if role != Role.COORDINATOR:
        query = query.join(
            ClassMembership, col(ClassMembership.class_id) == col(SchoolClass.id)
        ).where(ClassMembership.member_id == member_id, ClassMembership.kind == "teacher")
    rows = await session.exec(query.order_by(col(SchoolClass.name)))
    return [(int(i or 0), str(n)) for i, n in rows]


async def visible_class(
    session: AsyncSession, *, school_id: int, member_id: int, role: str, class_id: int
) -> str | None:
    """The class's name if this member may see its list; None for a class that does not exist,
    is archived, or is someone else's (they look the same)."""
    for found, name in await staff_classes(
        session, school_id=school_id, member_id=member_id, role=role
    ):
        if found == class_id:
            return name
    return None


async def class_list(
    session: AsyncSession, *, school_id: int, class_id: int, name: str
) -> ClassList:
    """The list of a class (three queries: pupils, guardians, requests)."""
    pupils = list(
        await session.exec(
            select(Pupil)
            .where(
                Pupil.school_id == school_id,
                Pupil.class_id == class_id,
                col(Pupil.left_at).is_(None),
            )
            .order_by(col(Pupil.first_name), col(Pupil.last_initial))
        )
    )
    children: dict[int, list[str]] = {}
    for pupil in pupils:
        children.setdefault(pupil.family_id, []).append(
            child_name(pupil.first_name, pupil.last_initial)
        )
    rows = await session.exec(
        select(Guardian.family_id, Guardian.role, Member)
        .join(Member, col(Member.id) == col(Guardian.member_id))
        .where(
            Guardian.status == LinkStatus.APPROVED,
            Member.status == MemberStatus.ACTIVE,
            col(Guardian.family_id).in_(list(children)),
        )
        .order_by(col(Guardian.id))
    )
    guardians: dict[int, list[GuardianLine]] = {}
    for family_id, role, member in rows:
        guardians.setdefault(int(family_id), []).append(
            GuardianLine(member.id or 0, member.first_name, str(role), member.language,
                         member.active_on)
        )  # fmt: skip
    families = [
        FamilyLine(family_id, tuple(names), tuple(guardians.get(family_id, ())))
        for family_id, names in children.items()
    ]
    return ClassList(
        class_id=class_id,
        name=name,
        reached=tuple(f for f in families if f.guardians),
        not_reached=tuple(f for f in families if not f.guardians),
        pending=tuple(await _pending(session, school_id=school_id, class_id=class_id)),
    )


async def _pending(session: AsyncSession, *, school_id: int, class_id: int) -> list[PendingLine]:
    rows = await session.exec(
        select(JoinRequest, Member.first_name, Pupil.first_name, Pupil.last_initial)
        .join(Member, col(Member.id) == col(JoinRequest.member_id))
        .join(Pupil, col(Pupil.id) == col(JoinRequest.pupil_id), isouter=True)
        .where(
            JoinRequest.school_id == school_id,
            JoinRequest.class_id == class_id,
            JoinRequest.status == LinkStatus.PENDING,
        )
        .order_by(col(JoinRequest.id))
    )
    return [
        PendingLine(
            request.id or 0,
            str(first_name),
            request.role,
            child_name(pupil, initial or "") if pupil else request.typed_name,
        )
        for request, first_name, pupil, initial in rows
    ]
