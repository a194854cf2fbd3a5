"""Cost of rewriting a poll's anonymous rows in random order on PostgreSQL (not a test).

Needs BENCH_DATABASE_URL (or TEST_DATABASE_URL) pointing at a PostgreSQL database whose tables
may be dropped; skipped otherwise. Seeds one poll with N respondents x 5 answers, then times
`anonymity.reshuffle` (the rewrite done every 100 presses, nightly and at closing) and how long a
press waits behind it.
Run: scripts/bench  (or python bench/bench_poll_shuffle.py)
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from bot.core.db import create_all, create_engine, drop_all, session_factory
from bot.models import Poll, PollAnswer, PollResponse, PollStatus, School
from bot.polls.anonymity import reshuffle

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


async def one(url: str, respondents: int) -> float:
    """Seconds for one reshuffle of a poll with `respondents` x 5 answers (median of 3)."""
    engine = create_engine(url)
    await drop_all(engine)
    await create_all(engine)
    async with engine.begin() as conn:
        await conn.execute(insert(School).values(id=1, name="Bench", created_at=NOW))
        await conn.execute(insert(Poll).values(
            id=1, school_id=1, flow_id="bench", class_ids="1", status=PollStatus.OPEN,
            created_at=NOW, closes_at=NOW,
        ))  # fmt: skip
        responses = [uuid.uuid4().hex for _ in range(respondents)]
        await conn.execute(insert(PollResponse), [
            {"id": r, "poll_id": 1, "class_id": 1, "day": date(2026, 11, 23)} for r in responses
        ])  # fmt: skip
        await conn.execute(insert(PollAnswer), [
            {"id": uuid.uuid4().hex, "poll_id": 1, "response_id": r, "question_id": f"q{q}",
             "option_id": "a"}
            for r in responses for q in range(5)
        ])  # fmt: skip
    sessions = session_factory(engine)
    times = []
    for _ in range(3):
        async with sessions() as session:
            started = time.perf_counter()
            await reshuffle(session, poll_id=1)
            times.append(time.perf_counter() - started)
    await drop_all(engine)
    await engine.dispose()
    return sorted(times)[1]


async def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        print("(skipped: set BENCH_DATABASE_URL to a PostgreSQL database)")
        return
    print("| respondents x 5 answers | reshuffle (one transaction) | target |")
    print("|---|---|---|")
    for respondents in (500, 2_000, 20_000):
        seconds = await one(url, respondents)
        print(f"| {respondents:,} x 5 | {seconds * 1000:.0f} ms | |", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
