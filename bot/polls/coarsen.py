"""Which class and language a response may carry: only values shared by k invited families.

Counted once, at launch, over the poll's audience (each guardian with their class among the
poll's classes, or "several classes" for a guardian with children in more than one, and their
language). Guardians are counted by FAMILY: the mother and father of one child (or guardians of
siblings, or of families that share a guardian) are one; a guardian linked to no family counts as
one. A value shared by fewer than k families is not stored: it joins the pool of values not
stored ("no class", "other language"); if that pool then holds some but fewer than k families,
the smallest kept value joins it too, until the pool reaches k or nothing is kept. So every value
an insider can read in a response row, alone or with the others, names a group of at least k
families (or the whole audience). Nothing of the roster (pupil, family, guardian) is stored with
a response: the families only decide, at launch, what may be.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import ClassMembership, Guardian, LinkStatus, Member, Poll, School
from bot.polls.results import FLOOR

V = TypeVar("V", bound=Hashable)
POOL = 0  # class key of "no class stored" (several classes, or a class too small)


def kept(counts: Counter[V], *, k: int, pooled: Iterable[V] = ()) -> set[V]:
    """The values that may be stored: each shared by k or more, with a pool of 0 or k or more.

    `pooled` values are never kept (they are the pool already, e.g. "several classes").
    """
    return kept_units(
        {v: {(v, i) for i in range(n)} for v, n in counts.items()}, k=k, pooled=pooled
    )


def kept_units(units: Mapping[V, set[Hashable]], *, k: int, pooled: Iterable[V] = ()) -> set[V]:
    """`kept` for values shared by units (families) rather than counted: a unit that has several
    values counts once in each, and once in the pool however many of its values join it."""
    never = set(pooled)
    keep = {v for v, found in units.items() if len(found) >= k and v not in never}

    def pool() -> int:
        return len(set().union(*(found for v, found in units.items() if v not in keep)))

    for value in sorted(keep, key=lambda v: (len(units[v]), str(v))):
        if pool() == 0 or pool() >= k:
            break
        keep.discard(value)
    return keep if pool() == 0 or pool() >= k else set()


@dataclass(frozen=True)
class Shown:
    """The classes, and per class key the languages, that a response of this poll may carry."""

    classes: frozenset[int]
    languages: dict[int, frozenset[str]]

    def class_of(self, class_id: int | None) -> int | None:
        """The class stored with a response (None: no class)."""
        return class_id if class_id is not None and class_id in self.classes else None

    def language_of(self, class_id: int | None, language: str | None) -> str | None:
        """The language stored with a free text of a respondent of `class_id` (None: other)."""
        key = self.class_of(class_id) or POOL
        return language if language in self.languages.get(key, frozenset()) else None

    def dump(self) -> str:
        """As stored on the poll (JSON)."""
        data = {
            "classes": sorted(self.classes),
            "languages": {str(c): sorted(v) for c, v in sorted(self.languages.items())},
        }
        return json.dumps(data, sort_keys=True)


NOTHING = Shown(frozenset(), {})


def load(raw: str | None) -> Shown:
    """What a poll stored at launch; a poll launched before this existed stores nothing."""
    if not raw:
        return NOTHING
    data = json.loads(raw)
    return Shown(
        frozenset(int(c) for c in data.get("classes", [])),
        {int(c): frozenset(v) for c, v in data.get("languages", {}).items()},
    )


def _key(class_id: int | None, classes: set[int]) -> int:
    return class_id if class_id is not None and class_id in classes else POOL


def shown(
    audience: list[tuple[int | None, str]], *, k: int, units: list[Hashable] | None = None
) -> Shown:
    """From each invited guardian's (single class or None, language): what may be stored.
    `units[i]` is guardian i's family (guardians of one family count once); by default each
    guardian is their own."""
    unit_of: list[Hashable] = list(units) if units is not None else list(range(len(audience)))
    by_class: dict[int, set[Hashable]] = {}
    for (c, _), unit in zip(audience, unit_of, strict=True):
        by_class.setdefault(POOL if c is None else c, set()).add(unit)
    classes = kept_units(by_class, k=k, pooled=[POOL])
    languages: dict[int, frozenset[str]] = {}
    for key in {_key(c, classes) for c, _ in audience}:
        langs: dict[str, set[Hashable]] = {}
        for (c, lang), unit in zip(audience, unit_of, strict=True):
            if _key(c, classes) == key:
                langs.setdefault(lang or "", set()).add(unit)
        found = frozenset(kept_units(langs, k=k, pooled=[""]))
        if found:
            languages[key] = found
    return Shown(frozenset(classes), languages)


async def family_units(session: AsyncSession, *, member_ids: list[int]) -> dict[int, Hashable]:
    """Each member's family unit: members who share a family (approved or still pending: the
    stricter count) are one unit, also across families that share a guardian. Members linked to
    no family are absent (each counts as one)."""
    rows = list(
        await session.exec(
            select(Guardian.member_id, Guardian.family_id).where(
                col(Guardian.member_id).in_(member_ids), Guardian.status != LinkStatus.REFUSED
            )
        )
    )
    parent: dict[int, int] = {}

    def root(family: int) -> int:
        while parent.setdefault(family, family) != family:
            family = parent[family]
        return family

    first: dict[int, int] = {}
    for member_id, family_id in rows:
        if member_id in first:
            parent[root(family_id)] = root(first[member_id])
        else:
            first[member_id] = family_id
            root(family_id)
    return {member_id: ("family", root(family)) for member_id, family in first.items()}


async def at_launch(
    session: AsyncSession, *, poll: Poll, people: list[Member], class_ids: list[int]
) -> None:
    """Store on the poll (not committed): guardians invited, k, and what may be stored."""
    school = await session.get(School, poll.school_id)
    k = max(FLOOR, school.min_group if school else 5)
    rows = await session.exec(
        select(ClassMembership.member_id, ClassMembership.class_id).where(
            col(ClassMembership.member_id).in_([p.id for p in people if p.id is not None]),
            col(ClassMembership.class_id).in_(class_ids),
        )
    )
    classes: dict[int, set[int]] = {}
    for member_id, class_id in rows:
        classes.setdefault(member_id, set()).add(class_id)
    found = [
        (next(iter(c)) if len(c := classes.get(p.id or 0, set())) == 1 else None, p.language or "")
        for p in people
    ]
    families = await family_units(session, member_ids=[p.id for p in people if p.id is not None])
    units = [families.get(p.id or 0, ("member", p.id)) for p in people]
    poll.audience_at_launch, poll.batch = len(people), k
    poll.shown = shown(found, k=k, units=units).dump()
