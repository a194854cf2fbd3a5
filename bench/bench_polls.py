"""Poll benchmarks (not tests): storing answers, exporting 100,000 answers, rendering the chart.

1. Answers: 500 parents answer a 5-question poll at once through the storage service (the guarded
   UPDATE of the participation row plus the anonymous rows, one transaction per press) on SQLite:
   presses per second and the 99th-percentile latency of one press. Telegram's own pacing
   (~29 messages/s for the edits) is not part of this figure.
2. Export: 100,000 answers tallied (from the counts kept as answers are stored, as /export does;
   the row-by-row `poll_results.tally` for comparison) and written as CSV and XLSX.
3. Chart: one PNG of the totals.
Run: scripts/bench  (or python bench/bench_polls.py)
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402

from bot.core.db import create_all, create_engine, session_factory  # noqa: E402
from bot.core.i18n import Catalogs  # noqa: E402
from bot.models import Poll, PollAnswer, PollResponse, PollStatus, School  # noqa: E402
from bot.polls import counts as poll_counts  # noqa: E402
from bot.polls import service as svc  # noqa: E402
from bot.polls.anonymity import participation_key  # noqa: E402
from bot.polls.chart import render_chart  # noqa: E402
from bot.polls.export import tables, to_csv, to_xlsx  # noqa: E402
from bot.polls.flows import load_flows  # noqa: E402
from bot.polls.results import tally  # noqa: E402
from bot.polls.tally import tally_counted  # noqa: E402

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
CATALOGS = Catalogs.load(ROOT / "locales")
FLOW = load_flows(ROOT / "flows", languages=CATALOGS.languages)["barriers"]


async def seed(url: str) -> int:
    engine = create_engine(url)
    await create_all(engine)
    async with engine.begin() as conn:
        await conn.execute(insert(School).values(id=1, name="Bench", created_at=NOW))
        await conn.execute(
            insert(Poll).values(
                id=1,
                school_id=1,
                flow_id=FLOW.id,
                class_ids="",
                status=PollStatus.OPEN,
                created_at=NOW,
                closes_at=NOW + timedelta(days=7),
            )
        )
    await engine.dispose()
    return 1


async def answers(
    url: str, parents: int = 500, questions: int = 5, *, arrivals: float = 0.0, think: float = 0.0
) -> dict[str, float]:
    """Every parent presses Start and answers `questions` questions; parent n starts at
    n * `arrivals` seconds and waits `think` seconds between presses (0, 0: all at once)."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        poll = await session.get(Poll, 1)
    assert poll is not None
    latencies: list[float] = []

    async def parent(n: int) -> None:
        await asyncio.sleep(n * arrivals)
        key = participation_key(b"bench-secret" * 3, 1, 10_000 + n + int(arrivals * 1e6))
        response = None
        started = time.perf_counter()
        async with sessions() as session:
            await svc.begin(session, poll=poll, key=key)
        latencies.append(time.perf_counter() - started)
        for index in range(questions):
            q = FLOW.questions[index % len(FLOW.questions)]
            given = svc.Given((random.choice(q.options).id,))
            await asyncio.sleep(think)
            started = time.perf_counter()
            async with sessions() as session:
                ok, response = await svc.advance(
                    session, poll=poll, key=key, index=index, total=questions, question_id=q.id,
                    given=given, response_id=response, class_id=None, day=date(2026, 11, 23),
                )  # fmt: skip
            assert ok
            latencies.append(time.perf_counter() - started)

    begin = time.perf_counter()
    await asyncio.gather(*(parent(n) for n in range(parents)))
    elapsed = time.perf_counter() - begin
    await engine.dispose()
    latencies.sort()
    return {
        "presses": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
    }


async def export(url: str, total: int = 100_000) -> dict[str, float]:
    """Tally 100,000 answers (5 per respondent, every tenth with a free text) and write them."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        responses, rows = [], []
        for r in range(total // 5):
            rid = f"r{r:031d}"
            responses.append({"id": rid, "poll_id": 2, "class_id": None, "day": date(2026, 11, 23)})
            for k in range(5):
                q = FLOW.questions[k % len(FLOW.questions)]
                text = f"Antwoord {r}" if k == 0 and r % 10 == 0 else None
                rows.append({
                    "id": f"a{r:026d}{k:05d}", "poll_id": 2, "response_id": rid, "question_id": q.id,
                    "option_id": None if text else random.choice(q.options).id, "text": text,
                    "language": "tr" if text else None, "text_nl": f"NL {r}" if text else None,
                })  # fmt: skip
        await conn.execute(
            insert(Poll).values(
                id=2,
                school_id=1,
                flow_id=FLOW.id,
                class_ids="",
                status=PollStatus.CLOSED,
                created_at=NOW,
                closes_at=NOW,
            )
        )
        await conn.execute(insert(PollResponse), responses)
        await conn.execute(insert(PollAnswer), rows)
        for statement in poll_counts.RECOUNT:  # what the bot keeps as answers are stored
            await conn.execute(sql(statement), {"poll_id": 2})
    sessions = session_factory(engine)
    started = time.perf_counter()
    async with sessions() as session:
        poll = await session.get(Poll, 2)
        assert poll is not None
        by_rows = await tally(session, poll=poll, flow=FLOW)
    rows_s = time.perf_counter() - started
    started = time.perf_counter()
    async with sessions() as session:
        results = await tally_counted(session, poll=poll, flow=FLOW)  # what /export uses
    tallied = time.perf_counter() - started
    assert results.groups == by_rows.groups and results.texts == by_rows.texts
    data = tables(results, CATALOGS, "nl")
    csv_bytes = to_csv(data.totals_header, data.totals) + to_csv(data.texts_header, data.texts)
    csv_done = time.perf_counter() - started
    to_xlsx(data)
    xlsx_done = time.perf_counter() - started - csv_done + tallied
    started = time.perf_counter()
    render_chart(results, lang="nl", title="Bench", subtitle="20000", other_label="Iets anders")
    chart = time.perf_counter() - started
    await engine.dispose()
    return {
        "rows_s": rows_s,
        "tally_s": tallied,
        "csv_s": csv_done,
        "xlsx_s": xlsx_done,
        "chart_s": chart,
        "csv_kb": len(csv_bytes) / 1024,
    }


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await seed(url)
        a = await answers(url)
        paced = await answers(url, arrivals=1 / 50, think=0.2)  # ~300 presses/s offered
        e = await export(url)
    print("| figure | value | target |")
    print("|---|---|---|")
    print(
        f"| presses stored/s (500 parents x 6 presses, SQLite) | {a['per_second']:.0f} | >= 300 |"
    )
    print(
        f"| latency p50 / p99, all 500 at the same instant | {a['p50_ms']:.0f} / {a['p99_ms']:.0f} ms | |"
    )
    print(
        f"| latency p50 / p99 at ~300 presses/s offered | {paced['p50_ms']:.1f} / "
        f"{paced['p99_ms']:.1f} ms ({paced['per_second']:.0f}/s) | p99 < 100 ms |"
    )
    print(f"| tally 100,000 answers from the rows (poll_results.tally) | {e['rows_s']:.2f} s | |")
    print(
        f"| tally from the kept counts (poll_tally.tally_counted) | {e['tally_s'] * 1000:.0f} ms | |"
    )
    print(f"| export 100,000 answers: tally + CSV | {e['csv_s']:.2f} s | < 3 s |")
    print(f"| export 100,000 answers: tally + XLSX | {e['xlsx_s']:.2f} s | < 3 s |")
    print(f"| chart rendering | {e['chart_s'] * 1000:.0f} ms | < 1 s |")


if __name__ == "__main__":
    asyncio.run(main())
