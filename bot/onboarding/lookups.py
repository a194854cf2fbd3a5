"""Rows read on (almost) every update, through short-lived caches (bot/core/cache.py).

What a caller gets is a detached copy: it may change it and add it to its own session (an UPDATE
of what it changed, which in turn drops the cache), but never shares it with another update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import inspect, update
from sqlalchemy.orm.attributes import manager_of_class
from sqlmodel import SQLModel, col, select

from bot.core.cache import MISSING, Cache
from bot.core.db import SessionFactory
from bot.models import ClassMembership, Member, Poll
from bot.onboarding import members

M = TypeVar("M", bound=SQLModel)
Values = dict[str, Any]


@dataclass
class Caches:
    """The caches of one bot process."""

    members: Cache[int, Values | None] = field(default_factory=lambda: Cache({"member"}))
    classes: Cache[int, tuple[tuple[int, str], ...]] = field(
        default_factory=lambda: Cache({"class_membership"})
    )
    polls: Cache[int, Values | None] = field(default_factory=lambda: Cache({"poll"}))
    # poll id -> (presses since its rows were last rewritten, rows then): bot/polls/presses.py
    since_shuffle: dict[int, tuple[int, int]] = field(default_factory=dict)
    active: Activity = field(default_factory=lambda: Activity())  # member.active_on, see `seen`
    # members with nothing to be asked about whose parent they are (bot/families/upgrade.py)
    settled: set[int] = field(default_factory=set)

    def all(self) -> list[Cache[Any, Any]]:
        """Every cache, for `bot.core.cache.watch`."""
        return [self.members, self.classes, self.polls]


def values_of(row: SQLModel) -> Values:
    """The column values of a row."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}  # type: ignore[attr-defined]


def detached(model: type[M], values: Values) -> M:
    """A detached (persistent, in no session) copy of a row from its column values.

    What `make_transient_to_detached(model(**values))` gives, about ten times faster (it runs on
    nearly every update): the values are set as loaded ones, without attribute events.
    """
    row: M = manager_of_class(model).new_instance()
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    object.__setattr__(row, "__pydantic_extra__", None)
    object.__setattr__(row, "__pydantic_private__", None)
    row.__dict__.update(values)
    state = inspect(row)
    state.key = state.mapper._identity_key_from_state(state)
    return row


async def member_of(
    caches: Caches, sessions: SessionFactory, *, school_id: int, telegram_id: int
) -> Member | None:
    """The school's member with this Telegram user id (None if unknown)."""
    found = caches.members.get(telegram_id)
    if found is MISSING:
        token = caches.members.token()
        async with sessions() as session:
            member = await members.get_member(session, school_id=school_id, telegram_id=telegram_id)
        found = values_of(member) if member is not None else None
        caches.members.put(telegram_id, found, token)
    return detached(Member, found) if found is not None else None


async def classes_of(
    caches: Caches, sessions: SessionFactory, *, member_id: int
) -> tuple[tuple[int, str], ...]:
    """The member's classes, as (class id, kind of membership)."""
    found = caches.classes.get(member_id)
    if found is MISSING:
        token = caches.classes.token()
        async with sessions() as session:
            rows = await session.exec(
                select(ClassMembership.class_id, ClassMembership.kind).where(
                    ClassMembership.member_id == member_id
                )
            )
            found = tuple(sorted((int(c), str(k)) for c, k in rows))
        caches.classes.put(member_id, found, token)
    return found  # type: ignore[no-any-return]


async def poll_of(caches: Caches, sessions: SessionFactory, *, poll_id: int) -> Poll | None:
    """A poll (None if there is none with this id)."""
    found = caches.polls.get(poll_id)
    if found is MISSING:
        token = caches.polls.token()
        async with sessions() as session:
            poll = await session.get(Poll, poll_id)
        found = values_of(poll) if poll is not None else None
        caches.polls.put(poll_id, found, token)
    return detached(Poll, found) if found is not None else None


@dataclass
class Warming:
    """Members about to be asked something (a poll's audience): their presses come in a burst.

    Made (taking the caches' tokens) before the members are read; `read_classes` then reads
    their classes in one query, and `warm` caches each member just before it is messaged, so
    its entries are fresh when the answer comes (entries live `bot.core.cache.TTL` seconds). Nothing
    is cached if the table changed after the tokens were taken.
    """

    members: int
    classes: int
    memberships: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    @classmethod
    def begin(cls, caches: Caches) -> Warming:
        """Take the tokens (before reading the members)."""
        return cls(caches.members.token(), caches.classes.token())

    async def read_classes(self, sessions: SessionFactory, people: list[Member]) -> None:
        """The classes of these members, in one query per 500."""
        ids = [p.id for p in people if p.id is not None]
        self.memberships.update({i: [] for i in ids})
        async with sessions() as session:
            for start in range(0, len(ids), 500):
                rows = await session.exec(
                    select(ClassMembership.member_id, ClassMembership.class_id, ClassMembership.kind)
                    .where(col(ClassMembership.member_id).in_(ids[start : start + 500]))
                )  # fmt: skip
                for member_id, class_id, kind in rows:
                    self.memberships[int(member_id)].append((int(class_id), str(kind)))

    def warm(self, caches: Caches, member: Member) -> None:
        """Cache a member and their classes (read after `begin`)."""
        if member.id is None or member.id not in self.memberships:
            return
        caches.members.put(member.telegram_id, values_of(member), self.members)
        caches.classes.put(member.id, tuple(sorted(self.memberships[member.id])), self.classes)


ACTIVE_EVERY = timedelta(minutes=1)  # what waits is written this long after the first of it


@dataclass
class Activity:
    """The days members were last seen, for `member.active_on` ("last active" on the class list).

    A member's first update of a day waits here (later ones read the cached member's
    `active_on`, or this, and do nothing); the middleware has what waits written in one UPDATE
    ACTIVE_EVERY later (`flush_active`, through the scheduler). Batched, because each write of the
    member table drops the members cache: a burst of poll presses would otherwise read every
    member again. So each member is written at most once a day."""

    written: dict[int, date] = field(default_factory=dict)  # member id -> day written
    waiting: dict[int, date] = field(default_factory=dict)


def seen(caches: Caches, *, member: Member, now: datetime) -> bool:
    """Note that a member used the bot today (UTC day); True when it is the first thing waiting
    (the caller then has `flush_active` run ACTIVE_EVERY later)."""
    today, active = now.date(), caches.active
    if member.id is None or today in (
        member.active_on,
        active.written.get(member.id),
        active.waiting.get(member.id),
    ):
        return False
    first = not active.waiting
    active.waiting[member.id] = today
    return first


async def flush_active(caches: Caches, sessions: SessionFactory) -> int:
    """Write the days waiting to `member.active_on` (one UPDATE per day and 500 members)."""
    active = caches.active
    waiting, active.waiting = active.waiting, {}
    if not waiting:
        return 0
    oldest = min(waiting.values())
    active.written = {i: d for i, d in active.written.items() if d >= oldest}
    by_day: dict[date, list[int]] = {}
    for member_id, day in waiting.items():
        by_day.setdefault(day, []).append(member_id)
        active.written[member_id] = day
    async with sessions() as session:
        for day, ids in by_day.items():
            for start in range(0, len(ids), 500):
                await session.exec(
                    update(Member)
                    .where(col(Member.id).in_(ids[start : start + 500]))
                    .values(active_on=day)
                )  # type: ignore[call-overload]
        await session.commit()
    return len(waiting)
