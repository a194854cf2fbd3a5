"""Before anything is written: what an imported list would add, change, leave alone or archive.

A row is matched to a pupil already on the roster by the pupil number, else by the family key
with first name and initial, else by first name, initial and class (each pupil at most once).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.families.roster import Parsed, RosterRow, languages_text
from bot.models import Family, Pupil, SchoolClass


@dataclass(frozen=True)
class Change:
    """A pupil on the roster whose row differs: what changes (class, name, languages, family,
    back = was archived and is on the list again)."""

    row: RosterRow
    pupil_id: int
    what: tuple[str, ...]


@dataclass
class Plan:
    """The report shown before the coordinator confirms."""

    parsed: Parsed
    add: list[RosterRow] = field(default_factory=list)
    change: list[Change] = field(default_factory=list)
    same: list[RosterRow] = field(default_factory=list)
    missing: list[tuple[int, str]] = field(default_factory=list)  # (pupil id, label) not in list
    new_classes: list[str] = field(default_factory=list)


@dataclass
class Roster:
    """The school's roster as the matching needs it."""

    pupils: list[Pupil]
    family_keys: dict[int, str]  # family id -> key
    classes: dict[str, SchoolClass]  # lower-case name -> active class
    class_names: dict[int, str]  # class id -> name (archived ones too)


async def load_roster(session: AsyncSession, *, school_id: int) -> Roster:
    """Every pupil (archived ones too: one coming back is matched), families' keys, classes."""
    pupils = list(await session.exec(select(Pupil).where(Pupil.school_id == school_id)))
    keys = await session.exec(select(Family.id, Family.key).where(Family.school_id == school_id))
    classes = list(
        await session.exec(select(SchoolClass).where(SchoolClass.school_id == school_id))
    )
    return Roster(
        pupils=pupils,
        family_keys={fid: key for fid, key in keys if fid is not None},
        classes={c.name.lower(): c for c in classes if not c.archived},
        class_names={c.id or 0: c.name for c in classes},
    )


def pupil_label(pupil: Pupil, class_names: dict[int, str]) -> str:
    """'Adam B. (1A)'."""
    name = f"{pupil.first_name} {pupil.last_initial}".strip()
    class_name = class_names.get(pupil.class_id or 0, "")
    return f"{name} ({class_name})" if class_name else name


def make_plan(parsed: Parsed, roster: Roster) -> Plan:
    """Compare the file with the roster: nothing is written."""
    plan = Plan(parsed=parsed)
    by_id: dict[str, Pupil] = {}
    by_family: dict[tuple[str, str, str], Pupil] = {}
    by_class: dict[tuple[str, str, str], Pupil] = {}
    # Active pupils win over archived ones with the same identity: they are set last.
    for p in sorted(roster.pupils, key=lambda p: (p.left_at is None, p.id or 0)):
        name = (p.first_name.lower(), _initial(p.last_initial))
        if p.external_id:
            by_id[p.external_id] = p
        by_family[(roster.family_keys.get(p.family_id, ""), *name)] = p
        by_class[(*name, roster.class_names.get(p.class_id or 0, "").lower())] = p
    used: set[int] = set()
    new_classes: dict[str, str] = {}
    for row in parsed.rows:
        name = (row.first_name.lower(), _initial(row.last_initial))
        candidates = [
            by_id.get(row.external_id) if row.external_id else None,
            by_family.get((row.family_key, *name)) if row.family_key else None,
            by_class.get((*name, row.class_name.lower())),
        ]
        pupil = next((p for p in candidates if p is not None and p.id not in used), None)
        if row.class_name.lower() not in roster.classes:
            new_classes.setdefault(row.class_name.lower(), row.class_name)
        if pupil is None:
            plan.add.append(row)
            continue
        used.add(pupil.id or 0)
        what = _differences(row, pupil, roster, parsed.columns)
        if what:
            plan.change.append(Change(row, pupil.id or 0, what))
        else:
            plan.same.append(row)
    plan.missing = [
        (p.id or 0, pupil_label(p, roster.class_names))
        for p in roster.pupils
        if p.left_at is None and p.id not in used
    ]
    plan.new_classes = sorted(new_classes.values(), key=str.lower)
    return plan


def _differences(
    row: RosterRow, pupil: Pupil, roster: Roster, columns: set[str]
) -> tuple[str, ...]:
    what: list[str] = []
    school_class = roster.classes.get(row.class_name.lower())
    if school_class is None or school_class.id != pupil.class_id:
        what.append("class")
    other_initial = _initial(row.last_initial) != _initial(pupil.last_initial)
    if row.first_name != pupil.first_name or ("last_name" in columns and other_initial):
        what.append("name")
    if "languages" in columns and languages_text(row.languages) != pupil.languages:
        what.append("languages")
    if row.family_key and roster.family_keys.get(pupil.family_id) != row.family_key:
        what.append("family")
    if pupil.left_at is not None:
        what.append("back")
    return tuple(what)


def _initial(text: str) -> str:
    """'b', 'B' and 'B.' are the same initial."""
    return text.rstrip(".").upper()
