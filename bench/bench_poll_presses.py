"""Poll benchmark (not a test): 500 parents answer a 5-question poll through the fake Bot API.

The real bot (this process, SQLite) long-polls the simulated Telegram, which runs with the simulated
parents in their own process (bench/poll_parents.py), as Telegram and the phones would. Each parent
presses Start and one option per question, waiting for the bot's edit before the next press.
Two load models:
- offered: each parent thinks for an exponentially distributed time (mean THINK) between seeing
  the edit and pressing again, so 500 parents offer about 500/THINK presses/s (open-loop-like;
  latency is the bot's, not queueing forced by the load model);
- saturated: no think time, all 500 press again at once: the bot's maximum throughput (with 500
  closed-loop clients latency is then 500/throughput by Little's law).
Reports presses handled/s, press-to-edit latency and the bot's CPU time per press.
Run: scripts/bench  (or python bench/bench_poll_presses.py [parents] [offered|saturated] [think])
"""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.core.clock import ManualClock  # noqa: E402
from bot.core.db import create_all, create_engine  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.models import ClassMembership, Member, Poll, PollStatus, School, SchoolClass  # noqa: E402
from bot.runtime import running  # noqa: E402

TOKEN = "123456789:BENCH-token-for-ouderbrug"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)  # Monday 10:00 in Brussels
FIRST = 10_000
THINK = 1.6  # seconds, mean think time between presses: 500 parents offer ~310 presses/s


def bench_flow(folder: Path) -> None:
    """A 5-question single-choice poll made of the shipped questions."""
    barriers = yaml.safe_load((ROOT / "flows" / "barriers.yaml").read_text("utf-8"))
    hear = yaml.safe_load((ROOT / "flows" / "hear-from-school.yaml").read_text("utf-8"))
    questions = barriers["questions"] + hear["questions"][:2]
    for n, q in enumerate(questions):
        q["id"], q["kind"], q["other"] = f"q{n}", "single", False
    barriers.update(id="bench", questions=questions)
    (folder / "bench.yaml").write_text(yaml.safe_dump(barriers, allow_unicode=True), "utf-8")


async def seed(url: str, parents: int) -> None:
    engine = create_engine(url)
    await create_all(engine)
    async with engine.begin() as conn:
        await conn.execute(insert(School).values(id=1, name="Bench", created_at=NOW))
        await conn.execute(
            insert(SchoolClass).values(id=1, school_id=1, name="1A", join_code="c1", created_at=NOW)
        )
        people = [
            {"id": n + 1, "school_id": 1, "telegram_id": FIRST + n, "chat_id": FIRST + n,
             "first_name": f"P{n}", "language": "nl", "created_at": NOW}
            for n in range(parents)
        ]  # fmt: skip
        await conn.execute(insert(Member), people)
        await conn.execute(
            insert(ClassMembership),
            [{"member_id": n + 1, "class_id": 1, "created_at": NOW} for n in range(parents)],
        )
        await conn.execute(
            insert(Poll).values(
                id=1,
                school_id=1,
                flow_id="bench",
                class_ids="1",
                status=PollStatus.OPEN,
                invite_at=NOW,
                opened_at=NOW,
                created_at=NOW,
                closes_at=NOW + timedelta(days=7),
            )
        )
    await engine.dispose()


async def run(parents: int, think: float) -> dict[str, Any]:
    """One run: the server and the parents in their own process, the bot in this one."""
    load = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "poll_parents.py"), "--token", TOKEN,
        "--parents", str(parents), "--think", str(think), "--first-user", str(FIRST),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert load.stdout is not None and load.stdin is not None
    base = (await load.stdout.readline()).decode().strip()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            flows = Path(tmp) / "flows"
            flows.mkdir()
            bench_flow(flows)
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            await seed(url, parents)
            settings = load_settings(
                env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base,
                DATABASE_URL=url, OUDERBRUG_DATA_DIR=tmp, OUDERBRUG_FLOWS_DIR=str(flows),
                OUDERBRUG_SEND_RATE=100000, OUDERBRUG_SCHOOL_NAME="Bench",
            )  # fmt: skip
            async with running(build_application(settings, clock=ManualClock(NOW)), poll_timeout=5):
                assert (await load.stdout.readline()).decode().strip() == "ready"
                load.stdin.write(b"go\n")
                cpu = time.process_time()
                result = json.loads(await load.stdout.readline())
                result["bot_cpu"] = time.process_time() - cpu
    finally:
        load.stdin.close()
        await load.wait()
    return result


def row(label: str, result: dict[str, Any]) -> str:
    """One markdown row: presses handled/s, latency p50/p99, CPU of the bot per press."""
    latencies = sorted(result["latencies"])
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    # Sustained rate: presses completed between the 10th and the 90th percentile of completions
    # (with think times the run's end waits for the slowest parent, not for the bot).
    ends = result["ends"]
    first, last = ends[len(ends) // 10], ends[len(ends) * 9 // 10]
    rate = (len(ends) * 8 // 10) / max(last - first, 1e-9)
    # Busiest 5 seconds: with think times the offered rate falls as parents finish.
    peak = max(bisect.bisect_right(ends, end + 5) - n for n, end in enumerate(ends)) / 5
    per_press = result["bot_cpu"] / result["presses"] * 1000
    return (
        f"| {label} | {rate:.0f} (busiest 5 s: {peak:.0f}) | {p50:.0f} / {p99:.0f} ms | {per_press:.2f} ms "
        f"| {result['server_cpu']:.1f} s |"
    )


async def main(parents: int, only: str, think: float = THINK) -> None:
    logging.getLogger("telegram").setLevel(logging.WARNING)
    print(
        "| load | presses handled/s (sustained) | press-to-edit p50 / p99 | bot CPU per press | load process CPU |"
    )
    print("|---|---|---|---|---|")
    if only in ("", "offered"):
        label = (
            f"{parents} parents, think time exp. mean {think} s (offered ~{parents / think:.0f}/s)"
        )
        print(row(label, await run(parents, think)), flush=True)
    if only in ("", "saturated"):
        label = f"{parents} parents, no think time (saturated)"
        print(row(label, await run(parents, 0)), flush=True)


if __name__ == "__main__":
    asyncio.run(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 500,
            sys.argv[2] if len(sys.argv) > 2 else "",
            float(sys.argv[3]) if len(sys.argv) > 3 else THINK,
        )
    )
