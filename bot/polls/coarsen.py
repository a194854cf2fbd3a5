"""Which class and language a response may carry: only values shared by k invited guardians.

Counted once, at launch, over the poll's audience (each guardian with their class among the
poll's classes, or "several classes" for a guardian with children in more than one, and their
language). A value shared by fewer than k guardians is not stored: it joins the pool of values
not stored ("no class", "other language"); if that pool is then non-empty but smaller than k, the
smallest kept value joins it too, until the pool reaches k or nothing is kept. So every value an
insider can read in a response row, alone or with the others, names a group of at least k
guardians (or the whole audience).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import ClassMembership, Member, Poll, School
from bot.polls.results import FLOOR

V = TypeVar("V", bound=Hashable)
POOL = 0  # class key of "no class stored" (several classes, or a class too small)


def kept(counts: Counter[V], *, k: int, pooled: Iterable[V] = ()) -> set[V]:
    """The values that may be stored: each shared by k or more, with a pool of 0 or k or more.

    `pooled` values are never kept (they are the pool already, e.g. "several classes").
    """
    never = set(pooled)
    keep = {v for v, n in counts.items() if n >= k and v not in never}
    pool = sum(n for v, n in counts.items() if v not in keep)
    for value in sorted(keep, key=lambda v: (counts[v], str(v))):
        if pool == 0 or pool >= k:
            break
        keep.discard(value)
        pool += counts[value]
    return keep if pool == 0 or pool >= k else set()


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


def shown(audience: list[tuple[int | None, str]], *, k: int) -> Shown:
    """From each invited guardian's (single class or None, language): what may be stored."""
    classes = kept(Counter(POOL if c is None else c for c, _ in audience), k=k, pooled=[POOL])
    languages: dict[int, frozenset[str]] = {}
    for key in {_key(c, classes) for c, _ in audience}:
        langs = Counter(lang or "" for c, lang in audience if _key(c, classes) == key)
        found = frozenset(kept(langs, k=k, pooled=[""]))
        if found:
            languages[key] = found
    return Shown(frozenset(classes), languages)


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
    poll.audience_at_launch, poll.batch = len(people), k
    poll.shown = shown(found, k=k).dump()
