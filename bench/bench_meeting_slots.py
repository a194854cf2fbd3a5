"""Meeting-slot benchmark (not a test): 500 families book in the first minute after the plans open.

The real bot (this process; SQLite, or PostgreSQL with BENCH_DATABASE_URL) long-polls the simulated
Telegram, which runs with the simulated families in their own process (bench/meeting_parents.py).
20 classes of 25 families, each class teacher's evening with 24 times of 15 minutes: one family per
class finds none left. The bot sends each family its invitation (free times as buttons); then each
family presses within the first minute (uniformly spread; or all within 1 s for the burst), one of
the first three free times, again after "just taken", until booked or full.
Reports press-to-edit p50/p99, presses refused as taken, and double bookings counted twice: from
the families' side (two families told "booked" for the same time) and in the database.
Run: python bench/bench_meeting_slots.py [families] [spread seconds] [spread|burst]
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.core.clock import ManualClock  # noqa: E402
from bot.core.db import create_all, create_engine, drop_all, session_factory  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.meetings import jobs  # noqa: E402
from bot.meetings import service as meet  # noqa: E402
from bot.models import (  # noqa: E402
    ClassMembership,
    Family,
    Guardian,
    MeetingBooking,
    Member,
    Pupil,
    School,
    SchoolClass,
)
from bot.runtime import running  # noqa: E402

TOKEN = "123456789:BENCH-token-for-ouderbrug"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)  # Monday 10:00 in Brussels
EVENING = datetime(2026, 11, 26, 15, tzinfo=UTC)  # Thursday 16:00-22:00: 24 times of 15 minutes
FIRST, CLASSES = 10_000, 20
LANGUAGES = ("nl", "ar", "tr", "pl", "ro", "uk")


async def seed(url: str, families: int) -> None:
    """A school, 20 classes with a teacher each, the families (one child, one guardian), plans."""
    engine = create_engine(url)
    if url.startswith("postgresql"):
        await drop_all(engine)
    await create_all(engine)
    per = families // CLASSES
    async with engine.begin() as conn:
        await conn.execute(insert(School).values(id=1, name="Bench", created_at=NOW))
        await conn.execute(insert(SchoolClass), [{"id": c + 1, "school_id": 1, "name": f"{c + 1}A", "join_code": f"c{c}", "created_at": NOW} for c in range(CLASSES)])  # fmt: skip
        teachers = [{"id": c + 1, "school_id": 1, "telegram_id": 900 + c, "chat_id": 900 + c, "first_name": f"Juf {c}", "language": "nl", "role": "teacher", "created_at": NOW} for c in range(CLASSES)]  # fmt: skip
        parents = [{"id": CLASSES + n + 1, "school_id": 1, "telegram_id": FIRST + n, "chat_id": FIRST + n, "first_name": f"P{n}", "language": LANGUAGES[n % len(LANGUAGES)], "role": "parent", "created_at": NOW} for n in range(families)]  # fmt: skip
        await conn.execute(insert(Member), teachers + parents)
        await conn.execute(insert(Family), [{"id": n + 1, "school_id": 1, "key": f"f{n}", "created_at": NOW} for n in range(families)])  # fmt: skip
        await conn.execute(insert(Pupil), [{"id": n + 1, "school_id": 1, "family_id": n + 1, "class_id": n // per % CLASSES + 1, "first_name": f"Kind {n}", "created_at": NOW, "updated_at": NOW} for n in range(families)])  # fmt: skip
        await conn.execute(insert(Guardian), [{"school_id": 1, "family_id": n + 1, "member_id": CLASSES + n + 1, "created_at": NOW} for n in range(families)])  # fmt: skip
        memberships = [{"member_id": c + 1, "class_id": c + 1, "kind": "teacher", "created_at": NOW} for c in range(CLASSES)]  # fmt: skip
        memberships += [{"member_id": CLASSES + n + 1, "class_id": n // per % CLASSES + 1, "kind": "guardian", "created_at": NOW} for n in range(families)]  # fmt: skip
        await conn.execute(insert(ClassMembership), memberships)
    sessions = session_factory(engine, school_id=1)
    for c in range(CLASSES):
        draft = meet.Draft(
            teacher_id=c + 1, starts=EVENING, ends=EVENING.replace(hour=21), minutes=15,
            breaks=[], place=f"lokaal {c + 1}", class_ids=[c + 1], invited=[], only_invited=False,
        )  # fmt: skip
        async with sessions() as session:
            await meet.publish(session, school_id=1, draft=draft, tz=ZoneInfo("Europe/Brussels"), now=NOW)  # fmt: skip
    await engine.dispose()


async def stored_doubles(url: str) -> tuple[int, int]:
    """Bookings in the database, and slots holding more than one (must be 0)."""
    engine = create_engine(url)
    async with engine.connect() as conn:
        total = (await conn.execute(select(func.count()).select_from(MeetingBooking))).scalar_one()
        per_slot = select(MeetingBooking.slot_id).group_by(MeetingBooking.slot_id).having(func.count() > 1)  # fmt: skip
        doubles = len((await conn.execute(per_slot)).all())
    await engine.dispose()
    return int(total), doubles


async def run(families: int, spread: float) -> dict[str, Any]:
    """One run: the server and the families in their own process, the bot in this one."""
    load = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "meeting_parents.py"), "--token", TOKEN,
        "--families", str(families), "--spread", str(spread), "--first-user", str(FIRST),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert load.stdout is not None and load.stdin is not None
    base = (await load.stdout.readline()).decode().strip()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"  # fmt: skip
            await seed(url, families)
            settings = load_settings(
                env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base,
                DATABASE_URL=url, OUDERBRUG_DATA_DIR=tmp, OUDERBRUG_SEND_RATE=100000,
                OUDERBRUG_SCHOOL_NAME="Bench",
            )  # fmt: skip
            async with running(build_application(settings, clock=ManualClock(NOW)), poll_timeout=5) as app:  # fmt: skip
                for plan_id in range(1, CLASSES + 1):  # the plans open: every family is invited
                    await jobs.send_invitations(app.bot_data, app.bot, plan_id)
                assert (await load.stdout.readline()).decode().strip() == "ready"
                load.stdin.write(b"go\n")
                cpu = time.process_time()
                result = json.loads(await load.stdout.readline())
                result["bot_cpu"] = time.process_time() - cpu
            result["stored"], result["stored_doubles"] = await stored_doubles(url)
    finally:
        load.stdin.close()
        await load.wait()
    return result


def row(label: str, result: dict[str, Any]) -> str:
    """One markdown row."""
    latencies = sorted(result["latencies"])
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    told = Counter(slot for _, slot in result["booked"])
    doubles = sum(1 for n in told.values() if n > 1)
    return (
        f"| {label} | {len(latencies)} | {p50:.0f} / {p99:.0f} / {latencies[-1]:.0f} ms "
        f"| {len(result['booked'])} booked, {len(result['taken'])} taken, {len(result['full'])} full "
        f"| {doubles} / {result['stored_doubles']} (stored {result['stored']}) "
        f"| {result['bot_cpu'] / len(latencies) * 1000:.1f} ms |"
    )


async def main(families: int, spread: float, only: str = "") -> None:
    logging.getLogger("telegram").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print("| load | presses | press-to-edit p50 / p99 / max | outcome | double bookings: told / stored | bot CPU per press |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    runs = {"spread": (f"{families} families within {spread:.0f} s", spread), "burst": (f"{families} families within 1 s", 1.0)}  # fmt: skip
    for name, (label, seconds) in runs.items():
        if only in ("", name):
            print(row(label, await run(families, seconds)), flush=True)


if __name__ == "__main__":
    asyncio.run(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 500,
            float(sys.argv[2]) if len(sys.argv) > 2 else 60.0,
            sys.argv[3] if len(sys.argv) > 3 else "",
        )
    )
