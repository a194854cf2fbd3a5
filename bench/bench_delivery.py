"""Delivery benchmarks (not tests): a broadcast to 2,000 parents through the fake Bot API server.

The fake server runs in its own process (bench/fake_server.py), as Telegram would, so the bot's
figures are not mixed with the server's work.
1. Server limiting like Telegram (30 messages/s overall, 1/s per chat): sustained rate, share of
   429 answers, nothing lost.
2. Server unlimited: how fast the engine alone drains the outbox (SQLite).
Peak memory (max RSS of the bot process) is reported too.
Run: scripts/bench  (or python bench/bench_delivery.py [parents])
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import col, func, select  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.core.db import create_all, create_engine  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.models import (  # noqa: E402  # noqa: E402
    Announcement,
    AnnouncementStatus,
    ClassMembership,
    Delivery,
    DeliveryStatus,
    Member,
    Role,
    School,
    SchoolClass,
)
from bot.runtime import running  # noqa: E402

TOKEN = "123456789:BENCH-token-for-ouderbrug"
LANGUAGES = ["nl", "ar", "tr", "pl", "ro", "fr", "uk", "so"]
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


async def seed(url: str, parents: int) -> None:
    """A school with one class, a teacher, `parents` parents and one announcement in the outbox."""
    due = datetime.now(UTC)  # due now by the bot's (system) clock, whatever the date
    engine = create_engine(url)
    await create_all(engine)
    async with engine.begin() as conn:
        await conn.execute(
            insert(School).values(
                id=1,
                name="Bench",
                quiet_start="21:00",
                quiet_end="07:00",
                min_group=5,
                min_text_group=10,
                created_at=NOW,
            )
        )
        await conn.execute(
            insert(SchoolClass).values(
                id=1, school_id=1, name="1A", join_code="bench1a", archived=False, created_at=NOW
            )
        )
        members = [
            dict(
                id=1,
                school_id=1,
                telegram_id=9_999,
                chat_id=9_999,
                first_name="Juf",
                language="nl",
                role=Role.TEACHER,
                status="active",
                created_at=NOW,
            )
        ]
        members += [
            dict(
                id=i + 2,
                school_id=1,
                telegram_id=10_000 + i,
                chat_id=10_000 + i,
                first_name=f"P{i}",
                language=LANGUAGES[i % 8],
                role=Role.PARENT,
                status="active",
                created_at=NOW,
            )
            for i in range(parents)
        ]
        await conn.execute(insert(Member), members)
        links = [
            dict(member_id=i + 2, class_id=1, kind="guardian", created_at=NOW)
            for i in range(parents)
        ]
        await conn.execute(insert(ClassMembership), links)
        await conn.execute(insert(Announcement).values(
            id=1, school_id=1, author_id=1, author_chat_id=None, class_ids="1", kind="text", language="nl",
            text="Beste ouders, morgen is er een uitstap naar het bos. Breng laarzen mee!",
            status=AnnouncementStatus.SENDING, created_at=NOW,
        ))  # fmt: skip
        rows = [
            dict(
                announcement_id=1,
                member_id=i + 2,
                chat_id=10_000 + i,
                language=LANGUAGES[i % 8],
                via="own",
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=due,
            )
            for i in range(parents)
        ]
        await conn.execute(insert(Delivery), rows)
    await engine.dispose()


async def broadcast(parents: int, *, limited: bool) -> dict[str, float]:
    """Start the bot on a full outbox and time until every copy is sent or failed."""
    server = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "fake_server.py"), "--token", TOKEN,
        "--users", str(parents), "--limit", "30" if limited else "0",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert server.stdout is not None and server.stdin is not None
    base = (await server.stdout.readline()).decode().strip()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await seed(url, parents)
            settings = load_settings(
                env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base, DATABASE_URL=url,
                OUDERBRUG_DATA_DIR=tmp, OUDERBRUG_SEND_RATE=30.0 if limited else 100_000.0,
            )  # fmt: skip
            started, cpu = time.perf_counter(), time.process_time()
            async with running(build_application(settings), poll_timeout=1) as app:
                sessions = app.bot_data.sessions
                finished = [DeliveryStatus.SENT, DeliveryStatus.FAILED]
                while True:  # one cheap query every 0.1 s: the bench must not slow the bot down
                    async with sessions() as session:
                        counts = dict(
                            (
                                await session.exec(
                                    select(Delivery.status, func.count())
                                    .where(col(Delivery.status).in_(finished))
                                    .group_by(Delivery.status)
                                )
                            ).all()
                        )
                    failed = counts.get(DeliveryStatus.FAILED, 0)
                    if sum(counts.values()) >= parents:
                        break
                    await asyncio.sleep(0.1)
                seconds = time.perf_counter() - started
                bot_cpu = time.process_time() - cpu
    finally:
        server.stdin.close()
        summary = json.loads((await server.stdout.readline()).decode() or "{}")
        await server.wait()
    return {
        "seconds": seconds,
        "rate": parents / seconds,
        "failed": float(failed),
        "bot_cpu": bot_cpu,
        **summary,
    }


async def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    parents = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    only = sys.argv[2] if len(sys.argv) > 2 else ""  # "limited" or "unlimited": just that run
    skipped = dict.fromkeys(
        ("seconds", "rate", "failed", "requests", "too_many", "sent", "bot_cpu", "server_cpu"), 0.0
    )
    limited = await broadcast(parents, limited=True) if only != "unlimited" else skipped
    unlimited = await broadcast(parents, limited=False) if only != "limited" else skipped
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    share = limited["too_many"] / max(1, limited["requests"]) * 100
    print("| measure | value | target |")
    print("|---|---|---|")
    print(
        f"| {parents} parents, server limited to 30/s and 1/s per chat: sustained rate | {limited['rate']:.1f} msg/s ({limited['seconds']:.1f} s, start-up included) | ≥ 29 msg/s |"
    )
    print(
        f"| same run: 429 answers / all requests | {limited['too_many']:.0f} / {limited['requests']:.0f} ({share:.2f}%) | ≤ 1% |"
    )
    print(
        f"| same run: copies sent / failed | {limited['sent'] - 0:.0f} / {limited['failed']:.0f} | {parents} / 0 |"
    )
    print(
        f"| {parents} parents, server unlimited (engine alone, SQLite) | {unlimited['rate']:.1f} msg/s ({unlimited['seconds']:.1f} s) | ≥ 500 msg/s |"
    )
    print(
        f"| same run: CPU seconds of the bot / of the fake server | {unlimited['bot_cpu']:.1f} / {unlimited['server_cpu']:.1f} | |"
    )
    print(f"| peak memory of the bot process (max RSS) | {peak:.0f} MB | |")


if __name__ == "__main__":
    asyncio.run(main())
