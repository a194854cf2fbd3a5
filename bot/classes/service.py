"""Classes: create, rename, archive, list with counts, find by join code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.codes import random_code
from bot.core.errors import KeyedError
from bot.models import ClassMembership, Member, Role, School, SchoolClass

MAX_NAME = 60
JOIN_CODE_LENGTH = 8


class ClassError(KeyedError):
    """A class operation that cannot be done; `key` names the UI message to show."""


def clean_name(name: str) -> str:
    """A class name without surrounding or repeated whitespace; raises ClassError if invalid."""
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= MAX_NAME:
        raise ClassError("classes.name_invalid", max=MAX_NAME)
    return cleaned


async def _name_taken(session: AsyncSession, *, school_id: int, name: str) -> bool:
    found = await session.exec(
        select(SchoolClass).where(
            SchoolClass.school_id == school_id,
            func.lower(SchoolClass.name) == name.lower(),
            col(SchoolClass.archived).is_(False),
        )
    )
    return found.first() is not None


async def create_class(
    session: AsyncSession, *, school_id: int, name: str, now: datetime
) -> SchoolClass:
    """A new class with a fresh join code."""
    name = clean_name(name)
    if await _name_taken(session, school_id=school_id, name=name):
        raise ClassError("classes.name_taken", name=name)
    school_class = SchoolClass(
        school_id=school_id, name=name, join_code=random_code(JOIN_CODE_LENGTH), created_at=now
    )
    session.add(school_class)
    await session.commit()
    return school_class


async def get_class(session: AsyncSession, *, school_id: int, class_id: int) -> SchoolClass:
    """An active class of this school; raises ClassError if gone."""
    school_class = await session.get(SchoolClass, class_id)
    if school_class is None or school_class.school_id != school_id or school_class.archived:
        raise ClassError("classes.not_found")
    return school_class


async def shareable_class(
    session: AsyncSession, *, school_id: int, class_id: int, member_id: int, coordinator: bool
) -> SchoolClass:
    """A class whose parents' link and flyer this member may get: any active class of the school
    for a coordinator, only their own classes for anyone else; ClassError("classes.not_found")
    otherwise (a class of someone else looks the same as one that does not exist)."""
    school_class = await get_class(session, school_id=school_id, class_id=class_id)
    if coordinator:
        return school_class
    own = await session.exec(
        select(ClassMembership.id).where(
            ClassMembership.member_id == member_id, ClassMembership.class_id == class_id
        )
    )
    if own.first() is None:
        raise ClassError("classes.not_found")
    return school_class


async def class_teachers(session: AsyncSession, *, class_id: int, limit: int = 3) -> list[str]:
    """The first names of a class's teachers (at most `limit`), by name."""
    rows = await session.exec(
        select(Member.first_name)
        .join(ClassMembership, col(ClassMembership.member_id) == col(Member.id))
        .where(
            ClassMembership.class_id == class_id,
            ClassMembership.kind == "teacher",
            Member.role == Role.TEACHER,
        )
        .order_by(col(Member.first_name))
        .limit(limit)
    )
    return list(rows)


async def find_class(session: AsyncSession, *, school_id: int, name: str) -> SchoolClass:
    """An active class by (case-insensitive) name; raises ClassError if none."""
    found = (
        await session.exec(
            select(SchoolClass).where(
                SchoolClass.school_id == school_id,
                func.lower(SchoolClass.name) == " ".join(name.split()).lower(),
                col(SchoolClass.archived).is_(False),
            )
        )
    ).first()
    if found is None:
        raise ClassError("classes.not_found")
    return found


async def class_by_code(
    session: AsyncSession, *, school_id: int, join_code: str
) -> SchoolClass | None:
    """The school's active class behind a join code, if any (another school's link: None)."""
    found = (
        await session.exec(
            select(SchoolClass).where(
                SchoolClass.school_id == school_id, SchoolClass.join_code == join_code
            )
        )
    ).first()
    return None if found is None or found.archived else found


async def rename_class(
    session: AsyncSession, *, school_id: int, class_id: int, name: str
) -> tuple[str, SchoolClass]:
    """Rename a class; returns (old name, class)."""
    school_class = await get_class(session, school_id=school_id, class_id=class_id)
    name = clean_name(name)
    old = school_class.name
    if name.lower() != old.lower() and await _name_taken(session, school_id=school_id, name=name):
        raise ClassError("classes.name_taken", name=name)
    school_class.name = name
    session.add(school_class)
    await session.commit()
    return old, school_class


async def archive_class(session: AsyncSession, *, school_id: int, class_id: int) -> SchoolClass:
    """Archive a class: its link stops working and it leaves every list."""
    school_class = await get_class(session, school_id=school_id, class_id=class_id)
    school_class.archived = True
    session.add(school_class)
    await session.commit()
    return school_class


@dataclass(frozen=True)
class ClassSummary:
    """A class with how many guardians and teachers it has."""

    id: int
    name: str
    join_code: str
    parents: int
    teachers: int


async def list_classes(
    session: AsyncSession, *, school_id: int, member_id: int | None = None
) -> list[ClassSummary]:
    """Active classes with counts, by name; only the member's own classes if member_id given."""
    query = select(SchoolClass).where(
        SchoolClass.school_id == school_id, col(SchoolClass.archived).is_(False)
    )
    if member_id is not None:
        query = query.join(
            ClassMembership, col(ClassMembership.class_id) == col(SchoolClass.id)
        ).where(ClassMembership.member_id == member_id)
    classes = list(await session.exec(query.order_by(col(SchoolClass.name))))
    counts = await session.exec(
        select(ClassMembership.class_id, ClassMembership.kind, func.count()).group_by(
            col(ClassMembership.class_id), col(ClassMembership.kind)
        )
    )
    by_class: dict[tuple[int, str], int] = {(cid, kind): n for cid, kind, n in counts}
    return [
        ClassSummary(
            id=c.id or 0,
            name=c.name,
            join_code=c.join_code,
            parents=by_class.get((c.id or 0, "guardian"), 0),
            teachers=by_class.get((c.id or 0, "teacher"), 0),
        )
        for c in classes
    ]


async def class_summary(session: AsyncSession, *, school_id: int, class_id: int) -> ClassSummary:
    """One active class with its counts; raises ClassError if gone."""
    await get_class(session, school_id=school_id, class_id=class_id)
    for summary in await list_classes(session, school_id=school_id):
        if summary.id == class_id:
            return summary
    raise ClassError("classes.not_found")


async def school_name(session: AsyncSession, *, school_id: int) -> str:
    """The school's display name."""
    school = await session.get(School, school_id)
    return school.name if school else ""


async def rotate_link(session: AsyncSession, *, school_id: int, class_id: int) -> SchoolClass:
    """A new join code: the old link and flyers stop working; who joined stays."""
    school_class = await get_class(session, school_id=school_id, class_id=class_id)
    school_class.join_code = random_code(JOIN_CODE_LENGTH)
    session.add(school_class)
    await session.commit()
    return school_class
