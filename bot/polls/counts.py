"""Counts per (poll, class, question, option), kept in step with the anonymous answers.

Every accepted press that writes answers adds one to the count of each chosen option (free text:
option ""), and one to the question's respondents (option "*"), in the same transaction as the
answers, with the class of the answer's respondent. So the results of a poll with 100,000 answers
are read from a few hundred rows (bot/polls/tally.py). The counts say no more than the
answers do (sums only: no order, no time, no person), and the thresholds apply when they are shown.
`recount` rebuilds a poll's counts from its answers (rows inserted some other way, e.g. in bulk).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

TEXT = ""  # option_id of a free-text answer
ANSWERED = "*"  # option_id of the count of respondents who answered the question
NO_CLASS = 0  # class_id of respondents without a single class

# Plain SQL that SQLite (3.24+) and PostgreSQL both read; the class comes from the respondent row.
ADD = (
    "INSERT INTO poll_count (poll_id, class_id, question_id, option_id, n)"
    " SELECT :poll_id, COALESCE(class_id, 0), :question_id, :option_id, 1"
    " FROM poll_response WHERE id = :response_id"
    " ON CONFLICT (poll_id, class_id, question_id, option_id)"
    " DO UPDATE SET n = poll_count.n + 1"
)
RECOUNT = (
    "DELETE FROM poll_count WHERE poll_id = :poll_id",
    "INSERT INTO poll_count (poll_id, class_id, question_id, option_id, n)"
    " SELECT a.poll_id, COALESCE(r.class_id, 0), a.question_id, COALESCE(a.option_id, ''),"
    " COUNT(*) FROM poll_answer a JOIN poll_response r ON r.id = a.response_id"
    " WHERE a.poll_id = :poll_id GROUP BY a.poll_id, 2, a.question_id, 4",
    "INSERT INTO poll_count (poll_id, class_id, question_id, option_id, n)"
    " SELECT a.poll_id, COALESCE(r.class_id, 0), a.question_id, '*',"
    " COUNT(DISTINCT a.response_id) FROM poll_answer a JOIN poll_response r ON r.id = a.response_id"
    " WHERE a.poll_id = :poll_id GROUP BY a.poll_id, 2, a.question_id",
)


def additions(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The counts one press's answer rows add to (parameters of `ADD`)."""
    adds: list[dict[str, Any]] = []
    answered: set[tuple[int, str, str]] = set()
    for a in answers:
        key = {"poll_id": a["poll_id"], "question_id": a["question_id"]}
        adds.append({**key, "option_id": a["option_id"] or TEXT, "response_id": a["response_id"]})
        answered.add((a["poll_id"], a["question_id"], a["response_id"]))
    adds += [
        {"poll_id": p, "question_id": q, "option_id": ANSWERED, "response_id": r}
        for p, q, r in sorted(answered)
    ]
    return adds


def add_inline(conn: sqlite3.Connection, answers: list[dict[str, Any]]) -> None:
    """Count a press's answers on the inline SQLite connection (inside its transaction)."""
    conn.executemany(ADD, additions(answers))


async def add(session: AsyncSession, answers: list[dict[str, Any]]) -> None:
    """Count a press's answers in the session's transaction (one executemany: one round trip)."""
    adds = additions(answers)
    if adds:
        await session.exec(text(ADD), params=adds)  # type: ignore[call-overload]


async def recount(session: AsyncSession, *, poll_id: int) -> None:
    """Rebuild a poll's counts from its answer rows (not committed)."""
    for statement in RECOUNT:
        await session.exec(text(statement), params={"poll_id": poll_id})  # type: ignore[call-overload]
