"""Answers wait, without any person, until k respondents are complete; then they move together.

A press writes its answers into `poll_pending` under the respondent's random (in-memory) id,
with the class already coarsened (bot/polls/coarsen.py). When the respondent finishes (the last
question, or Stop) their rows become `ready`. As soon as k respondents of a poll are ready, all
ready respondents move in one transaction to `poll_response` / `poll_answer` and the counts: new
random ids, written in random order, every response with the poll's opening day. At closing
every pending row moves (ready or not: what was answered counts), whatever their number.

So the published tables, the counts and every result drawn from them change only in steps of at
least k respondents while a poll is open, and their physical order tells batches apart, not
people. What remains is the pending window (docs/privacy.md).
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.db import checkpoint
from bot.polls import counts as poll_counts
from bot.polls.coarsen import POOL, kept

log = logging.getLogger(__name__)

_RANDOM = secrets.SystemRandom()
_SETTLE: set[bool] = set()  # a batch was published on the inline connection: `settle` is due
HOLD = (
    "INSERT INTO poll_pending (id, poll_id, response_id, class_id, question_id, option_id, text,"
    " language, text_nl, ready) VALUES (:id, :poll_id, :response_id, :class_id, :question_id,"
    " :option_id, :text, :language, :text_nl, :ready)"
)
READY = "UPDATE poll_pending SET ready = :yes WHERE poll_id = :poll_id AND response_id = :rid"
WAITING = (
    "SELECT COUNT(DISTINCT response_id) FROM poll_pending WHERE poll_id = :poll_id AND ready = :yes"
)
_COLUMNS = "id, response_id, class_id, question_id, option_id, text, language, text_nl"
TAKE_READY = f"SELECT {_COLUMNS} FROM poll_pending WHERE poll_id = :poll_id AND ready = :yes"
TAKE_ALL = f"SELECT {_COLUMNS} FROM poll_pending WHERE poll_id = :poll_id"
DROP = "DELETE FROM poll_pending WHERE id = :id"
RESPONSE = (
    "INSERT INTO poll_response (id, poll_id, class_id, day) VALUES (:id, :poll_id, :class_id, :day)"
)
NO_CLASS = "UPDATE poll_response SET class_id = NULL WHERE id = :id"
NO_LANGUAGE = "UPDATE poll_answer SET language = NULL WHERE id = :id"
TEXTS = "SELECT id, response_id, language FROM poll_answer WHERE poll_id = :p AND text IS NOT NULL"
ANSWER = (
    "INSERT INTO poll_answer (id, poll_id, response_id, question_id, option_id, text, language,"
    " text_nl) VALUES (:id, :poll_id, :response_id, :question_id, :option_id, :text, :language,"
    " :text_nl)"
)


def held(
    answers: list[dict[str, Any]], *, class_id: int | None, ready: bool
) -> list[dict[str, Any]]:
    """Pending rows for one press's answers (see `polls.plan`)."""
    keep = ("poll_id", "response_id", "question_id", "option_id", "text", "language", "text_nl")
    return [
        {**{k: a[k] for k in keep}, "id": uuid.uuid4().hex, "class_id": class_id, "ready": ready}
        for a in answers
    ]


def published(
    rows: Sequence[Sequence[Any]], *, poll_id: int, day: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pending rows as published responses and answers: new ids, both lists in random order."""
    by_response: dict[str, list[Sequence[Any]]] = defaultdict(list)
    for row in rows:
        by_response[str(row[1])].append(row)
    responses, answers = [], []
    for old in by_response:
        new = uuid.uuid4().hex
        responses.append(
            {"id": new, "poll_id": poll_id, "class_id": by_response[old][0][2], "day": day}
        )
        answers += [
            {
                "id": uuid.uuid4().hex, "poll_id": poll_id, "response_id": new,
                "question_id": r[3], "option_id": r[4], "text": r[5], "language": r[6],
                "text_nl": r[7],
            }
            for r in by_response[old]
        ]  # fmt: skip
    _RANDOM.shuffle(responses)
    _RANDOM.shuffle(answers)
    return responses, answers


def hold_inline(
    conn: sqlite3.Connection, *, poll_id: int, rows: list[dict[str, Any]], finished: str | None,
    k: int, day: date,
) -> int:  # fmt: skip
    """One press on the inline SQLite connection (inside its transaction); respondents published."""
    if rows:
        conn.executemany(HOLD, rows)
    if finished is None:
        return 0
    conn.execute(READY, {"yes": True, "poll_id": poll_id, "rid": finished})
    if conn.execute(WAITING, {"poll_id": poll_id, "yes": True}).fetchone()[0] < k:
        return 0
    taken = conn.execute(TAKE_READY, {"poll_id": poll_id, "yes": True}).fetchall()
    responses, answers = published(taken, poll_id=poll_id, day=day)
    conn.executemany(RESPONSE, [{**r, "day": r["day"].isoformat()} for r in responses])
    conn.executemany(ANSWER, answers)
    poll_counts.add_inline(conn, answers)
    conn.executemany(DROP, [{"id": r[0]} for r in taken])
    _SETTLE.add(True)
    return len(responses)


async def hold(
    session: AsyncSession, *, poll_id: int, rows: list[dict[str, Any]], finished: str | None,
    k: int, day: date,
) -> int:  # fmt: skip
    """`hold_inline` in a session's transaction (not committed)."""
    if rows:
        await session.exec(text(HOLD), params=rows)  # type: ignore[call-overload]
    if finished is None:
        return 0
    params = {"yes": True, "poll_id": poll_id}
    await session.exec(text(READY), params={**params, "rid": finished})  # type: ignore[call-overload]
    waiting = await session.exec(text(WAITING), params=params)  # type: ignore[call-overload]
    if waiting.one()[0] < k:
        return 0
    return await publish(session, poll_id=poll_id, day=day, everything=False)


async def coarsen_respondents(session: AsyncSession, *, poll_id: int, k: int) -> None:
    """At closing: the rule of bot/polls/coarsen.py again, over those who answered this time.

    Someone with the server secret learns who took part; a class or language that only one of
    them has would name their response. So a class (a language) shared by fewer than k
    respondents is dropped from the rows too (not committed). Results do not change: they never
    show a group, or a language, of fewer than k (bot/polls/results.py)."""
    found = await session.exec(  # type: ignore[call-overload]
        text("SELECT id, class_id FROM poll_response WHERE poll_id = :p"), params={"p": poll_id}
    )
    classes = {str(rid): class_id for rid, class_id in found}
    counts = Counter(c if c is not None else POOL for c in classes.values())
    keep = kept(counts, k=k, pooled=[POOL])
    drop = [{"id": rid} for rid, c in classes.items() if c is not None and c not in keep]
    if drop:
        await session.exec(text(NO_CLASS), params=drop)  # type: ignore[call-overload]
    found = await session.exec(  # type: ignore[call-overload]
        text(TEXTS), params={"p": poll_id}
    )
    texts = [(str(aid), str(rid), lang or "") for aid, rid, lang in found]

    def key(rid: str) -> int:
        c = classes.get(rid)
        return c if c is not None and c in keep else POOL

    people: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for _, rid, lang in texts:
        people[key(rid)][lang].add(rid)
    named = {
        c: kept(Counter({lang: len(ids) for lang, ids in langs.items()}), k=k, pooled=[""])
        for c, langs in people.items()
    }
    unnamed = [{"id": aid} for aid, rid, lang in texts if lang and lang not in named[key(rid)]]
    if unnamed:
        await session.exec(text(NO_LANGUAGE), params=unnamed)  # type: ignore[call-overload]
    await poll_counts.recount(session, poll_id=poll_id)


async def settle(engine: AsyncEngine | None, *, published: bool = False) -> None:
    """After a batch (SQLite): the WAL, which holds every pending row in the order written, is
    copied into the database (where the moved rows are zeroed: secure_delete) and truncated.

    Without waiting: a TRUNCATE that waits for readers holds up every press meanwhile (p99 from
    25 ms to 740 ms at 300 presses/s). While parents keep answering it may not empty the WAL;
    then the next batch, or the closing (which waits), tries again (docs/privacy.md)."""
    if engine is None or not (published or _SETTLE):
        return
    _SETTLE.clear()
    if not await checkpoint(engine, wait=False):
        log.debug("the WAL is busy after a batch of poll answers: truncated at a later batch")


async def rebuild(session: AsyncSession) -> None:
    """At closing (SQLite): every page rebuilt (VACUUM), so no page keeps the order in which
    rows, or batches, came; then the WAL truncated. PostgreSQL rewrites the rows instead
    (`anonymity.reshuffle`)."""
    engine = session.bind
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "sqlite":
        return
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("VACUUM")
    except OperationalError:  # busy beyond the timeout: the batches' order stays till next time
        log.warning("could not rebuild the database's pages after closing a poll", exc_info=True)
    _SETTLE.clear()
    if not await checkpoint(engine):  # at closing it waits for the lock (up to the busy timeout)
        log.warning("the WAL could not be truncated after closing a poll (busy)")


async def publish(session: AsyncSession, *, poll_id: int, day: date, everything: bool) -> int:
    """Move ready (or, at closing, all) pending rows of a poll into its results (not committed)."""
    statement = TAKE_ALL if everything else TAKE_READY
    found = await session.exec(text(statement), params={"poll_id": poll_id, "yes": True})  # type: ignore[call-overload]
    taken = list(found)
    if not taken:
        return 0
    responses, answers = published(taken, poll_id=poll_id, day=day)
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        responses = [{**r, "day": r["day"].isoformat()} for r in responses]
    await session.exec(text(RESPONSE), params=responses)  # type: ignore[call-overload]
    await session.exec(text(ANSWER), params=answers)  # type: ignore[call-overload]
    await poll_counts.add(session, answers)
    await session.exec(text(DROP), params=[{"id": r[0]} for r in taken])  # type: ignore[call-overload]
    return len(responses)
