"""Writing an imported pupil list in ONE transaction (SQLite and PostgreSQL): new classes,
families (grouped by the family key; without one each child is its own family), pupils, the
changes, and for next school year's list the pupils missing from it archived. Guardians' class
memberships follow (`roster_service.refresh_memberships`).

New rows go in with one multi-row INSERT per table and changes with one UPDATE by primary key
(not an ORM flush per object): 1,000 pupils take well under a second (bench/bench_roster.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.classes.service import JOIN_CODE_LENGTH
from bot.core.codes import random_code
from bot.families.roster import languages_text
from bot.families.roster_plan import Plan, load_roster
from bot.families.roster_service import refresh_memberships
from bot.models import Family, Pupil, SchoolClass


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    added: int
    changed: int
    archived: int
    classes: list[str]


async def apply_import(
    session: AsyncSession, *, school_id: int, plan: Plan, next_year: bool, now: datetime
) -> Imported:
    """Write a plan in one transaction; committed at the end, rolled back on any error."""
    roster = await load_roster(session, school_id=school_id)
    created = [
        SchoolClass(
            school_id=school_id, name=name, join_code=random_code(JOIN_CODE_LENGTH), created_at=now
        )
        for name in plan.new_classes
        if name.lower() not in roster.classes
    ]
    session.add_all(created)
    await session.flush()
    classes = {name: c.id or 0 for name, c in roster.classes.items()}
    classes.update({c.name.lower(): c.id or 0 for c in created})
    families, alone_ids = await _families(
        session, school_id=school_id, plan=plan, known=roster.family_keys, now=now,
        pupil_family={p.id or 0: p.family_id for p in roster.pupils},
    )  # fmt: skip
    alone = iter(alone_ids)
    touched: set[int] = set()
    dropped: set[int] = set()
    new_rows: list[dict[str, Any]] = []
    for row in plan.add:
        family_id = families[row.family_key] if row.family_key else next(alone)
        touched.add(family_id)
        new_rows.append(
            {
                "school_id": school_id,
                "family_id": family_id,
                "class_id": classes[row.class_name.lower()],
                "first_name": row.first_name,
                "last_initial": row.last_initial,
                "languages": languages_text(row.languages),
                "external_id": row.external_id or None,
                "created_at": now,
                "updated_at": now,
            }
        )
    if new_rows:
        await session.exec(insert(Pupil), params=new_rows)  # type: ignore[call-overload]
    by_id = {p.id: p for p in roster.pupils}
    changes: list[dict[str, Any]] = []
    for change in plan.change:
        pupil, row = by_id[change.pupil_id], change.row
        values: dict[str, Any] = {
            "id": pupil.id, "class_id": classes[row.class_name.lower()],
            "first_name": row.first_name, "family_id": pupil.family_id,
            "external_id": row.external_id or pupil.external_id, "left_at": None,
            "updated_at": now, "last_initial": pupil.last_initial, "languages": pupil.languages,
        }  # fmt: skip
        if "last_name" in plan.parsed.columns:
            values["last_initial"] = row.last_initial
        if "languages" in change.what:
            values["languages"] = languages_text(row.languages)
        if row.family_key:
            values["family_id"] = families[row.family_key]
        touched |= {pupil.family_id, values["family_id"]}
        moved = (values["class_id"], values["family_id"]) != (pupil.class_id, pupil.family_id)
        if pupil.class_id is not None and moved:  # the old family's guardians may lose it
            dropped.add(pupil.class_id)
        changes.append(values)
    archived = [by_id[pupil_id] for pupil_id, _ in plan.missing] if next_year else []
    for pupil in archived:
        touched.add(pupil.family_id)
        dropped |= {pupil.class_id} if pupil.class_id is not None else set()
        changes.append({"id": pupil.id, "left_at": now, "updated_at": now})
    if changes:  # ORM bulk UPDATE by primary key: one executemany per set of columns
        await session.exec(update(Pupil), params=changes)  # type: ignore[call-overload]
    await refresh_memberships(session, family_ids=touched, dropped=dropped, now=now)
    await session.commit()
    return Imported(len(plan.add), len(plan.change), len(archived), [c.name for c in created])


async def _families(
    session: AsyncSession,
    *,
    school_id: int,
    plan: Plan,
    known: dict[int, str],
    now: datetime,
    pupil_family: dict[int, int],
) -> tuple[dict[str, int], list[int]]:
    """Family key -> id (the new ones inserted), and the ids of the new families of one child
    each (the rows without a key), in the order of those rows. A family the bot made up (a pupil
    added in the bot, or imported without a key) takes the key its pupil now comes with, so its
    guardians keep the child and its siblings join them."""
    have = {key: fid for fid, key in known.items()}
    made_up = {fid for fid, key in known.items() if key.startswith("bot-")}
    for change in plan.change:
        key, fid = change.row.family_key, pupil_family[change.pupil_id]
        if key and key not in have and fid in made_up:
            await session.exec(update(Family).where(col(Family.id) == fid).values(key=key))  # type: ignore[call-overload]
            have[key] = fid
            made_up.discard(fid)
    keys = {r.family_key for r in [*plan.add, *(c.row for c in plan.change)] if r.family_key}
    alone = [f"bot-{random_code(12)}" for row in plan.add if not row.family_key]
    fresh = sorted(keys - have.keys()) + alone
    if fresh:
        rows = [{"school_id": school_id, "key": key, "created_at": now} for key in fresh]
        await session.exec(insert(Family), params=rows)  # type: ignore[call-overload]
        found = await session.exec(
            select(Family.id, Family.key).where(
                Family.school_id == school_id, col(Family.key).in_(fresh)
            )
        )
        have.update({key: fid or 0 for fid, key in found})
    return {key: have[key] for key in keys}, [have[key] for key in alone]
