"""Polls: drafts, launch, anonymous answers, participation by keyed hash, closing."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.service import recipients
from bot.invitations import service as invitations
from bot.models import (
    ClassMembership,
    Member,
    Poll,
    PollParticipation,
    PollStatus,
)
from bot.polls import batches, writing
from bot.polls import coarsen as poll_coarsen
from bot.polls.anonymity import participation_key, reshuffle
from bot.polls.flows import Flow, FlowError, dump, frozen

log = logging.getLogger(__name__)
MAX_TEXT = 2000  # characters of a free-text answer that are kept


def flow_of(poll: Poll, *, flows: dict[str, Flow]) -> Flow | None:
    """The questions a poll asks: its frozen definition, or (older polls) the flow file."""
    if poll.definition is None:
        return flows.get(poll.flow_id)
    try:
        return frozen(poll.definition)
    except FlowError:
        log.error("poll %s: its frozen definition does not load", poll.id, exc_info=True)
        return None


def class_ids_of(poll: Poll) -> list[int]:
    """The classes a poll is for."""
    return [int(c) for c in poll.class_ids.split(",") if c.isdigit()]


def random_id() -> str:
    """A random row id (uuid4): it says nothing about who or when."""
    return uuid.uuid4().hex


async def create_draft(
    session: AsyncSession,
    *,
    school_id: int,
    author: Member,
    flow: Flow,
    class_ids: list[int],
    closes_at: datetime,
    now: datetime,
) -> Poll:
    """A poll the author still reviews; the flow is frozen with it as it is now."""
    poll = Poll(
        school_id=school_id,
        flow_id=flow.id,
        definition=dump(flow),
        author_id=author.id,
        author_chat_id=author.chat_id,
        class_ids=",".join(str(c) for c in sorted(class_ids)),
        created_at=now,
        closes_at=closes_at,
    )
    session.add(poll)
    await session.commit()
    await session.refresh(poll)
    return poll


async def audience(session: AsyncSession, *, poll: Poll) -> list[Member]:
    """Active parents of the poll's classes, each once (after a meeting: who said they would come)."""
    if poll.event_id is not None:
        return await invitations.coming(session, event_id=poll.event_id)
    return await recipients(session, school_id=poll.school_id, class_ids=class_ids_of(poll))


async def launch(
    session: AsyncSession, *, poll_id: int, author_id: int, now: datetime, invite_at: datetime
) -> Poll | None:
    """Open a draft (its author only, once); invitations go out at `invite_at`."""
    poll = await session.get(Poll, poll_id)
    if poll is None or poll.author_id != author_id or poll.status != PollStatus.DRAFT:
        return None
    poll.status, poll.opened_at, poll.invite_at = PollStatus.OPEN, now, invite_at
    await count_audience(session, poll=poll)
    session.add(poll)
    await session.commit()
    return poll


async def count_audience(session: AsyncSession, *, poll: Poll) -> None:
    """At launch: the guardians invited, k, and which classes and languages may be stored."""
    people = await audience(session, poll=poll)
    await poll_coarsen.at_launch(session, poll=poll, people=people, class_ids=class_ids_of(poll))


async def polls_of(session: AsyncSession, *, school_id: int) -> list[Poll]:
    """Open and closed polls, newest first."""
    rows = await session.exec(
        select(Poll)
        .where(
            Poll.school_id == school_id,
            col(Poll.status).in_([PollStatus.OPEN, PollStatus.CLOSED]),
        )
        .order_by(col(Poll.id).desc())
    )
    return list(rows)


async def begin(session: AsyncSession, *, poll: Poll, key: str) -> PollParticipation | None:
    """The participation of this person (created on first use); None once they are done."""
    found = await session.get(PollParticipation, key)
    if found is None:
        found = PollParticipation(key=key, poll_id=poll.id or 0)
        session.add(found)
        await session.commit()
    return None if found.done else found


@dataclass(frozen=True)
class Given:
    """What someone gave for one question: chosen options and/or a free text."""

    options: tuple[str, ...] = ()
    text: str | None = None
    language: str | None = None
    text_nl: str | None = None  # the Dutch translation of the text


@dataclass(frozen=True)
class Step:
    """What one accepted press writes: the participation moves on, maybe a response, answers."""

    poll_id: int
    key: str
    index: int
    done: bool
    response: dict[str, Any] | None  # a new anonymous respondent (first answer), or None
    answers: list[dict[str, Any]]
    response_id: str | None
    held: list[dict[str, Any]] = field(default_factory=list)  # the answers as pending rows
    batch: int = 5  # k: respondents published together
    day: date | None = None  # the day every response of the poll carries (its opening day)


def plan(
    *, poll: Poll, key: str, index: int, total: int, question_id: str, given: Given | None,
    response_id: str | None, class_id: int | None, day: date, stop: bool = False,
) -> Step:  # fmt: skip
    """The rows a press writes if it is accepted (random ids; class and language coarsened)."""
    shown = poll_coarsen.load(poll.shown)
    class_id = shown.class_of(class_id)
    day = opening_day(poll, day)
    response, answers = None, []
    if given is not None and (given.options or given.text):
        # `response_id` comes from this parent's earlier, committed answer to this poll.
        if response_id is None:
            response_id = random_id()
            response = {
                "id": response_id,
                "poll_id": poll.id or 0,
                "class_id": class_id,
                "day": day,
            }
        rows = [(o, None) for o in given.options] + ([(None, given.text)] if given.text else [])
        answers = [
            {
                "id": random_id(), "poll_id": poll.id or 0, "response_id": response_id,
                "question_id": question_id, "option_id": option_id,
                "text": text[:MAX_TEXT] if text else None,
                "language": shown.language_of(class_id, given.language) if text else None,
                "text_nl": given.text_nl if text else None,
            }
            for option_id, text in rows
        ]  # fmt: skip
    done = stop or index + 1 >= total
    held = batches.held(answers, class_id=class_id, ready=False)
    return Step(
        poll.id or 0, key, index, done, response, answers, response_id, held, poll.batch, day
    )


def opening_day(poll: Poll, day: date) -> date:
    """The one day stored with every response of a poll: the day it opened."""
    return poll.opened_at.date() if poll.opened_at is not None else day


async def hold(session: AsyncSession, step: Step) -> int:
    """The accepted press's answers wait (not committed); returns the respondents published."""
    return await batches.hold(
        session, poll_id=step.poll_id, rows=step.held, k=step.batch, day=step.day or date.min,
        finished=step.response_id if step.done else None,
    )  # fmt: skip


def guarded_move(step: Step) -> Any:
    """The participation moves from `index` to `index + 1` only if it is there and the poll open."""
    still_open = exists().where(col(Poll.id) == step.poll_id, col(Poll.status) == PollStatus.OPEN)
    return (
        update(PollParticipation)
        .where(
            col(PollParticipation.key) == step.key,
            col(PollParticipation.progress) == step.index,
            col(PollParticipation.done).is_(False),
            still_open,
        )
        .values(progress=step.index + 1, done=step.done)
    )


async def advance(session: AsyncSession, **press: Any) -> tuple[bool, str | None]:
    """Record the answer to question `index` (or its skip) and move on, exactly once.

    The participation row moves from `index` to `index + 1` in one guarded UPDATE; a second press
    (or a replayed one, or one after the poll closed) finds nothing to move and changes nothing.
    Takes the arguments of `plan`. Returns (accepted, response id).
    """
    step = plan(**press)
    result = await session.exec(guarded_move(step))
    if result.rowcount != 1:
        await session.rollback()
        return False, press["response_id"]
    published = await hold(session, step)
    await session.commit()
    if published:
        await batches.settle(session.bind, published=True)  # type: ignore[arg-type]
    return True, step.response_id


async def stop(session: AsyncSession, *, key: str) -> bool:
    """Someone stops halfway: what they answered counts, the rest stays unanswered."""
    result = await session.exec(  # type: ignore[call-overload]
        update(PollParticipation)
        .where(col(PollParticipation.key) == key, col(PollParticipation.done).is_(False))
        .values(done=True)
    )
    await session.commit()
    return bool(result.rowcount)


async def single_class(session: AsyncSession, *, poll: Poll, member_id: int) -> int | None:
    """The member's class among the poll's classes, when there is exactly one."""
    rows = await session.exec(
        select(ClassMembership.class_id).where(
            ClassMembership.member_id == member_id,
            col(ClassMembership.class_id).in_(class_ids_of(poll)),
        )
    )
    found = sorted(set(rows))
    return found[0] if len(found) == 1 else None


async def not_answered(session: AsyncSession, *, poll: Poll, secret: bytes) -> list[Member]:
    """Parents of the audience without a participation record (found through the keyed hash)."""
    keys = set(
        await session.exec(
            select(PollParticipation.key).where(PollParticipation.poll_id == poll.id)
        )
    )
    people = await audience(session, poll=poll)
    return [p for p in people if participation_key(secret, poll.id or 0, p.telegram_id) not in keys]


async def close(session: AsyncSession, *, poll: Poll) -> bool:
    """Close an open poll (by hand or at its deadline), once."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Poll)
        .where(col(Poll.id) == poll.id, col(Poll.status) == PollStatus.OPEN)
        .values(status=PollStatus.CLOSED, invite_at=None)
    )
    if result.rowcount == 1:  # own words awaited for it: no longer (bot/polls/writing.py)
        await writing.forget_poll(session, poll_id=poll.id or 0)
    await session.commit()
    await session.refresh(poll)
    if result.rowcount == 1:  # no more answers: the last ones lose their order too
        await publish_all(session, poll=poll)
    return bool(result.rowcount == 1)


async def publish_all(session: AsyncSession, *, poll: Poll) -> int:
    """At closing: every pending answer into the results, then the rows' order erased."""
    day = opening_day(poll, poll.closes_at.date())
    moved = await batches.publish(session, poll_id=poll.id or 0, day=day, everything=True)
    await batches.coarsen_respondents(session, poll_id=poll.id or 0, k=poll.batch)
    await session.commit()
    await reshuffle(session, poll_id=poll.id or 0)
    await batches.rebuild(session)
    return moved


def single_class_in(classes: tuple[tuple[int, str], ...], *, poll: Poll) -> int | None:
    """Among a member's (class, kind) memberships, their class in the poll when exactly one."""
    found = sorted({c for c, _kind in classes if c in class_ids_of(poll)})
    return found[0] if len(found) == 1 else None


def guardian_in(classes: tuple[tuple[int, str], ...], *, poll: Poll) -> bool:
    """Whether (class, kind) memberships make a member a guardian in one of the poll's classes."""
    return any(kind == "guardian" and c in class_ids_of(poll) for c, kind in classes)


async def in_audience(session: AsyncSession, *, poll: Poll, member_id: int) -> bool:
    """Whether a member is a guardian in one of the poll's classes (or said they would come)."""
    if poll.event_id is not None:
        return await invitations.said_coming(session, event_id=poll.event_id, member_id=member_id)
    rows = await session.exec(
        select(ClassMembership.id).where(
            ClassMembership.member_id == member_id,
            ClassMembership.kind == "guardian",
            col(ClassMembership.class_id).in_(class_ids_of(poll)),
        )
    )
    return rows.first() is not None
