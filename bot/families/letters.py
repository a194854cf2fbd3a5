"""Personal invitation letters: which families get one, in which languages, with which codes.

A letter is for one family: it names each of its children (siblings in other classes too), says
the invitation in the family's home languages (those the bot has texts for) and in Dutch, and
carries one new single-use code per guardian. Codes are made by `service.issue_codes` (only their
hashes are stored); a reprint adds new codes, the earlier ones keep working until used or expired.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.families import service
from bot.models import ClassMembership, Family, Guardian, LinkStatus, Pupil, SchoolClass

DUTCH = "nl"
FALLBACK = ("fr", "en")  # with Dutch: the letter of a family whose home language is not known
GUARDIANS = 2  # codes per letter: one for each parent


@dataclass(frozen=True)
class LetterFamily:
    """What one family's letter says: its children, and the languages of its text (home
    languages first, Dutch last); `unknown` are home languages the bot has no texts for."""

    family_id: int
    children: tuple[service.Child, ...]
    languages: tuple[str, ...]
    unknown: tuple[str, ...]
    fallback: bool  # no home language printable: Dutch, French and English instead


@dataclass(frozen=True)
class Letter:
    """A family's letter with its new codes (in clear, to be printed once and forgotten)."""

    family: LetterFamily
    codes: tuple[str, ...]


def letter_languages(
    home: Collection[str], known: Collection[str]
) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(languages printed, home languages without texts, fallback): the known home languages
    and Dutch; French, English and Dutch when none is known (fallback True)."""
    ordered = list(dict.fromkeys(code.strip().lower() for code in home if code.strip()))
    printed = [code for code in ordered if code in known and code != DUTCH]
    unknown = tuple(code for code in ordered if code not in known)
    fallback = not printed and DUTCH not in ordered
    return (*(FALLBACK if fallback else printed), DUTCH), unknown, fallback


async def teaches(session: AsyncSession, *, member_id: int, class_id: int) -> bool:
    """Whether a member is one of a class's teachers."""
    found = await session.exec(
        select(ClassMembership.id).where(
            ClassMembership.member_id == member_id,
            ClassMembership.class_id == class_id,
            ClassMembership.kind == "teacher",
        )
    )
    return found.first() is not None


async def printable_class(
    session: AsyncSession, *, school_id: int, class_id: int, member_id: int, coordinator: bool
) -> SchoolClass | None:
    """An active class of the school whose letters this member may print (a coordinator: any;
    a teacher: their own); None otherwise, alike for a class of someone else and none at all."""
    school_class = await session.get(SchoolClass, class_id)
    if school_class is None or school_class.school_id != school_id or school_class.archived:
        return None
    if coordinator or await teaches(session, member_id=member_id, class_id=class_id):
        return school_class
    return None


async def may_print_family(
    session: AsyncSession, *, school_id: int, family_id: int, member_id: int, coordinator: bool
) -> bool:
    """A coordinator may print any family's letter of the school; a teacher one with a child in
    a class they teach."""
    family = await session.get(Family, family_id)
    if family is None or family.school_id != school_id:
        return False
    kids = await service.children(session, family_ids=[family_id])
    if not kids:
        return False
    if coordinator:
        return True
    for class_id in {kid.class_id for kid in kids if kid.class_id is not None}:
        if await teaches(session, member_id=member_id, class_id=class_id):
            return True
    return False


async def reached(session: AsyncSession, *, family_ids: Collection[int]) -> set[int]:
    """The families among these with at least one approved guardian."""
    if not family_ids:
        return set()
    rows = await session.exec(
        select(Guardian.family_id).where(
            col(Guardian.family_id).in_(list(family_ids)), Guardian.status == LinkStatus.APPROVED
        )
    )
    return set(rows)


async def families_of(
    session: AsyncSession, *, school_id: int, class_id: int | None, not_reached: bool = False
) -> list[int]:
    """The families with a child (still at school) in a class, or in any active class of the
    school (class_id None), by the first child's class and name; `not_reached`: only those
    without an approved guardian."""
    query = (
        select(Pupil.family_id)
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(
            Pupil.school_id == school_id,
            col(Pupil.left_at).is_(None),
            col(SchoolClass.archived).is_(False),
        )
        .order_by(col(SchoolClass.name), col(Pupil.first_name), col(Pupil.id))
    )
    if class_id is not None:
        query = query.where(Pupil.class_id == class_id)
    ordered = list(dict.fromkeys(await session.exec(query)))
    if not_reached:
        done = await reached(session, family_ids=ordered)
        ordered = [family for family in ordered if family not in done]
    return ordered


async def letter_families(
    session: AsyncSession, *, family_ids: list[int], known: Collection[str]
) -> list[LetterFamily]:
    """Each family's letter contents, in the order given."""
    kids = await service.children(session, family_ids=family_ids)
    rows = await session.exec(
        select(Pupil.family_id, Pupil.languages)
        .where(col(Pupil.family_id).in_(family_ids), col(Pupil.left_at).is_(None))
        .order_by(col(Pupil.id))
    )
    home: dict[int, list[str]] = {}
    for family_id, languages in rows:
        home.setdefault(family_id, []).extend((languages or "").split(","))
    letters = []
    for family_id in family_ids:
        printed, unknown, fallback = letter_languages(home.get(family_id, []), known)
        letters.append(
            LetterFamily(
                family_id=family_id,
                children=tuple(kid for kid in kids if kid.family_id == family_id),
                languages=printed,
                unknown=unknown,
                fallback=fallback,
            )
        )
    return [letter for letter in letters if letter.children]


async def issue_letters(
    session: AsyncSession,
    *,
    school_id: int,
    families: list[LetterFamily],
    now: datetime,
    created_by: int | None,
    guardians: int = GUARDIANS,
) -> list[Letter]:
    """New single-use codes for each family's letter, committed (earlier codes stay good)."""
    letters = [
        Letter(
            family=family,
            codes=tuple(
                await service.issue_codes(
                    session,
                    school_id=school_id,
                    family_id=family.family_id,
                    count=guardians,
                    now=now,
                    created_by=created_by,
                )
            ),
        )
        for family in families
    ]
    await session.commit()
    return letters
