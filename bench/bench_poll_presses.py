"""Poll benchmark (not a test): 500 parents answer a 5-question poll through the fake Bot API.

The real bot long-polls the simulated Telegram (in this process: its own work is in the figures),
SQLite, pacing raised so only the bot and the server limit the rate. Each parent presses Start and
one option per question and waits for the edited message before the next press; all parents at
once. Reports presses handled per second and the press-to-edit latency.
Run: scripts/bench  (or python bench/bench_poll_presses.py [parents])
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.db import create_all, create_engine  # noqa: E402
from bot.models import ClassMembership, Member, Poll, PollStatus, School, SchoolClass  # noqa: E402
from bot.runtime import running  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.simulator import FakeTelegram, SimUser  # noqa: E402

TOKEN = "123456789:BENCH-token-for-ouderbrug"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)  # Monday 10:00 in Brussels
FIRST = 10_000


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


async def answer(tg: FakeTelegram, user: SimUser, latencies: list[float]) -> None:
    """Start, then one option per question, each press waiting for its edit."""
    await tg.wait_until(lambda: any("pg:1" in str(m.buttons) for m in user.messages), 60)
    msg = next(m for m in user.messages if "pg:1" in str(m.buttons))
    for n in range(6):
        data = "pg:1" if n == 0 else f"pq:1:q{n - 1}:{_first_option(msg)}"
        before, started = msg.touched, time.perf_counter()
        await user.press_data(data, msg)
        assert await tg.wait_until(lambda b=before: msg.touched > b, 60)
        latencies.append(time.perf_counter() - started)


def _first_option(msg: object) -> str:
    buttons = getattr(msg, "buttons", [])
    return next(b.value for row in buttons for b in row if b.value.startswith("pq:")).split(":")[3]


async def main(parents: int) -> None:
    logging.getLogger("telegram").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        flows = Path(tmp) / "flows"
        flows.mkdir()
        bench_flow(flows)
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await seed(url, parents)
        async with FakeTelegram(token=TOKEN) as tg:
            users = [tg.user(FIRST + n, f"P{n}") for n in range(parents)]
            settings = load_settings(
                env_file=None, TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"), DATABASE_URL=url,
                OUDERBRUG_DATA_DIR=tmp, OUDERBRUG_FLOWS_DIR=str(flows), OUDERBRUG_SEND_RATE=100000,
                OUDERBRUG_SCHOOL_NAME="Bench",
            )  # fmt: skip
            async with running(build_application(settings, clock=ManualClock(NOW)), poll_timeout=5):
                await tg.wait_until(
                    lambda: all(any("pg:1" in str(m.buttons) for m in u.messages) for u in users),
                    120,
                )
                latencies: list[float] = []
                started = time.perf_counter()
                await asyncio.gather(*(answer(tg, u, latencies) for u in users))
                elapsed = time.perf_counter() - started
    latencies.sort()
    print("| figure | value | target |")
    print("|---|---|---|")
    print(
        f"| presses handled/s ({parents} parents x 6 presses, SQLite, end to end) | {len(latencies) / elapsed:.0f} | >= 300 |"
    )
    p50, p99 = statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99)] * 1000
    print(f"| press-to-edit latency p50 / p99 | {p50:.0f} / {p99:.0f} ms | p99 < 100 ms |")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
