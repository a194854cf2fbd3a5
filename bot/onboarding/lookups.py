"""Rows read on (almost) every update, through short-lived caches (bot/core/cache.py).

What a caller gets is a detached copy: it may change it and add it to its own session (an UPDATE
of what it changed, which in turn drops the cache), but never shares it with another update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import inspect
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
