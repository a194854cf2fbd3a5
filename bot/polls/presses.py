"""Storing a poll press: on a SQLite file without thread hops (bot/core/inline_sqlite.py), else async.

Both paths write the same rows in one transaction (`polls.plan`), behind the same guard: the
participation moves from question `index` to the next only if it is there and the poll is open.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from sqlalchemy import bindparam, exists, insert, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import inline_sqlite
from bot.core.db import SessionFactory, one_writer
from bot.models import Poll, PollParticipation, PollStatus
from bot.polls import batches
from bot.polls import service as polls
from bot.polls.anonymity import SHUFFLE_EVERY, reshuffle

_MOVE = inline_sqlite.sql(
    update(PollParticipation)
    .where(
        col(PollParticipation.key) == bindparam("key"),
        col(PollParticipation.progress) == bindparam("at"),
        col(PollParticipation.done).is_(False),
        exists().where(col(Poll.id) == bindparam("poll_id"), col(Poll.status) == bindparam("open")),
    )
    .values(progress=bindparam("to_progress"), done=bindparam("to_done"))
)
_FIND = inline_sqlite.sql(
    select(PollParticipation.progress, PollParticipation.done).where(
        col(PollParticipation.key) == bindparam("key")
    )
)
_JOIN = inline_sqlite.sql(insert(PollParticipation))


def _write(conn: sqlite3.Connection, step: polls.Step) -> bool:
    """The press's rows, if the guard lets it through (else nothing is written)."""
    moved = conn.execute(_MOVE, {
        "key": step.key, "at": step.index, "poll_id": step.poll_id, "open": str(PollStatus.OPEN),
        "to_progress": step.index + 1, "to_done": step.done,
    })  # fmt: skip
    if moved.rowcount != 1:
        return False
    batches.hold_inline(
        conn, poll_id=step.poll_id, rows=step.held, k=step.batch, day=step.day or date.min,
        finished=step.response_id if step.done else None,
    )  # fmt: skip  # answers wait until k respondents are complete (bot/polls/batches.py)
    return True


def _begin(conn: sqlite3.Connection, poll_id: int, key: str) -> PollParticipation:
    found = conn.execute(_FIND, {"key": key}).fetchone()
    if found is not None:
        return PollParticipation(key=key, poll_id=poll_id, progress=found[0], done=bool(found[1]))
    conn.execute(_JOIN, {"key": key, "poll_id": poll_id, "progress": 0, "done": False})
    return PollParticipation(key=key, poll_id=poll_id)


async def begin(
    *, engine: AsyncEngine, sessions: SessionFactory, poll: Poll, key: str
) -> PollParticipation | None:
    """The participation of this person (created on first use); None once they are done."""
    inline = inline_sqlite.for_engine(engine)
    if inline is not None:
        found = inline.run(lambda conn: _begin(conn, poll.id or 0, key))
        if found is not inline_sqlite.BUSY:
            return None if found.done else found
    async with sessions() as session, one_writer(engine):
        return await polls.begin(session, poll=poll, key=key)


async def store(
    *,
    engine: AsyncEngine,
    sessions: SessionFactory,
    since_shuffle: dict[int, tuple[int, int]],
    press: dict[str, Any],
) -> tuple[bool, str | None]:
    """Record a press exactly once (arguments of `polls.plan`); (accepted, response id).

    `since_shuffle` counts presses per poll since its rows were last shuffled (PostgreSQL)."""
    inline = inline_sqlite.for_engine(engine)
    if inline is not None:
        step = polls.plan(**press)
        accepted = inline.run(lambda conn: _write(conn, step))
        if accepted is not inline_sqlite.BUSY:
            await batches.settle(engine)  # after a batch: the WAL truncated
            return bool(accepted), step.response_id if accepted else press["response_id"]
    async with sessions() as session, one_writer(engine):
        accepted, response_id = await polls.advance(session, **press)
        if accepted and engine.dialect.name == "postgresql":
            await _count_for_shuffle(since_shuffle, session, press["poll"].id or 0)
    return accepted, response_id


async def _count_for_shuffle(
    counts: dict[int, tuple[int, int]], session: AsyncSession, poll_id: int
) -> None:
    """A poll's anonymous rows are rewritten in random order after SHUFFLE_EVERY presses, or
    after as many presses as a fifth of its rows if that is more (so the cost per press stays
    flat as a poll grows: a rewrite costs in proportion to the rows)."""
    presses, rows = counts.get(poll_id, (0, 0))
    if presses + 1 < max(SHUFFLE_EVERY, rows // 5):
        counts[poll_id] = (presses + 1, rows)
        return
    counts[poll_id] = (0, await reshuffle(session, poll_id=poll_id))
