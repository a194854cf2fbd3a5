"""Several schools on one server (benchmark, not a test).

1. Two schools broadcast at the same moment, the fake Telegram limiting each bot like Telegram
   (30 messages/s overall, 1/s per chat): each bot keeps its own budget, so together they send
   about twice as fast as one.
2. Start-up of 1 and 10 schools in one process (one engine, one translator): seconds and memory.
Run: scripts/bench  (or python bench/bench_schools.py [parents per school])
"""

from __future__ import annotations

import asyncio
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

from bot.core.db import create_all, create_engine  # noqa: E402
from bot.core.settings import Settings, load_settings  # noqa: E402
from bot.models import (  # noqa: E402
    Announcement,
    AnnouncementStatus,
    ClassMembership,
    Delivery,
    DeliveryStatus,
    Member,
    School,
    SchoolClass,
)
from bot.runtime import running_schools  # noqa: E402
from bot.simulator import FakeTelegram  # noqa: E402

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def token(n: int) -> str:
    """School n's bot token."""
    return f"{100000 + n}:BENCH-token-for-school-{n:02d}"


async def seed(url: str, schools: int, parents: int) -> None:
    """Per school: one class, `parents` parents (Telegram ids shared across schools, as the same
    people may be in several) and one announcement whose copies wait in the outbox."""
    engine = create_engine(url)
    await create_all(engine)
    due = datetime.now(UTC)
    async with engine.begin() as conn:
        for n in range(1, schools + 1):
            await conn.execute(insert(School).values(id=n, key=f"s{n}", name=f"School {n}", created_at=NOW))  # fmt: skip
            await conn.execute(insert(SchoolClass).values(id=n, school_id=n, name="1A", join_code=f"b{n}", created_at=NOW))  # fmt: skip
            first = (n - 1) * parents + 1
            if not parents:
                continue
            await conn.execute(insert(Member), [
                dict(id=first + i, school_id=n, telegram_id=10_000 + i, chat_id=10_000 + i,
                     first_name=f"P{i}", language="nl", created_at=NOW)
                for i in range(parents)
            ])  # fmt: skip
            await conn.execute(insert(ClassMembership), [
                dict(member_id=first + i, class_id=n, created_at=NOW) for i in range(parents)
            ])  # fmt: skip
            await conn.execute(insert(Announcement).values(
                id=n, school_id=n, class_ids=str(n), text=f"Nieuws van school {n}.",
                status=AnnouncementStatus.SENDING, created_at=NOW,
            ))  # fmt: skip
            await conn.execute(insert(Delivery), [
                dict(announcement_id=n, member_id=first + i, chat_id=10_000 + i, language="nl",
                     next_attempt_at=due)
                for i in range(parents)
            ])  # fmt: skip
    await engine.dispose()


def settings_for(tg: FakeTelegram, url: str, data: str, schools: int) -> list[Settings]:
    """One Settings per school, as the schools file would give them."""
    base = load_settings(
        env_file=None, TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"), DATABASE_URL=url,
        OUDERBRUG_DATA_DIR=data, OUDERBRUG_SEND_RATE=30.0,
    )  # fmt: skip
    return [
        base.model_copy(update={"school_key": f"s{n}", "school_name": f"School {n}",
                                "telegram_bot_token": token(n)})
        for n in range(1, schools + 1)
    ]  # fmt: skip


async def fake_telegram(schools: int, parents: int, *, limited: bool) -> FakeTelegram:
    """One fake server, one bot per school, each with its parents' chats."""
    tg = FakeTelegram(token=token(1), bot_username="school01_bot")
    bots = [tg] + [
        tg.add_bot(token=token(n), bot_username=f"school{n:02d}_bot") for n in range(2, schools + 1)
    ]
    for bot in bots:
        if limited:
            bot.set_limits(30, 1)
        for i in range(parents):
            bot.user(10_000 + i, f"P{i}")
    await tg.start()
    return tg


async def broadcast(schools: int, parents: int) -> tuple[float, int, int]:
    """Seconds until every school's copies are out; copies sent and 429 answers."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await seed(url, schools, parents)
        tg = await fake_telegram(schools, parents, limited=True)
        try:
            started = time.perf_counter()
            async with running_schools(settings_for(tg, url, tmp, schools), poll_timeout=1) as apps:
                sessions = apps[0].bot_data.shared.sessions  # type: ignore[union-attr]
                while True:  # one cheap query every 0.1 s
                    async with sessions() as session:
                        done = (await session.exec(
                            select(func.count()).select_from(Delivery).where(
                                col(Delivery.status).in_([DeliveryStatus.SENT, DeliveryStatus.FAILED])
                            )
                        )).one()  # fmt: skip
                    if done >= schools * parents:
                        break
                    await asyncio.sleep(0.1)
                seconds = time.perf_counter() - started
            sent = sum(bot.stats.sent for bot in tg.bots.values())
            too_many = sum(bot.stats.statuses[429] for bot in tg.bots.values())
        finally:
            await tg.stop()
    return seconds, sent, too_many


async def start_up(schools: int) -> tuple[float, float]:
    """Seconds to start `schools` bots, and the growth of peak memory (MB) while they run."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await seed(url, schools, 0)
        tg = await fake_telegram(schools, 0, limited=False)
        try:
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started = time.perf_counter()
            async with running_schools(settings_for(tg, url, tmp, schools), poll_timeout=1):
                seconds = time.perf_counter() - started
                grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
        finally:
            await tg.stop()
    return seconds, grown


async def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    parents = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    print("| measure | value | target |")
    print("|---|---|---|")
    for schools in (1, 2):
        seconds, sent, too_many = await broadcast(schools, parents)
        print(
            f"| {schools} school(s) x {parents} parents, each bot limited to 30/s: all copies out "
            f"| {seconds:.1f} s, {sent / seconds:.1f} msg/s overall, {too_many} x 429 "
            f"| {'≈ 2 x one school' if schools == 2 else 'one budget: ≤ 30 msg/s'} |"
        )
    for schools in (1, 10):
        seconds, grown = await start_up(schools)
        print(f"| start-up of {schools} school(s) in one process | {seconds:.2f} s, peak memory +{grown:.0f} MB | |")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
