"""Reach benchmark (not a test): the reach figures of a 1,000-pupil school, in the bot and on the web.

A school on SQLite with 40 classes of 25 pupils (1,000 pupils in 800 families: 200 have a sibling
in another class), home languages from eight, ~1,370 guardians (mothers, fathers, others, roles
not said; some stopped, some pending) of 640 families, 120 announcements to whole
classes (3 per class) with a copy per guardian of the class (about 4,200 deliveries, half seen).
The real bot runs against the simulated Telegram (idle); the dashboard is served by aiohttp on
127.0.0.1 and fetched with the session cookie. Measured, 16 times each (first, median, worst):
the service alone (`bot.families.reach.reach` for the whole school), the bot's /reach texts built
from it, and the dashboard's /dashboard/reach page over HTTP.
Run: python bench/bench_reach.py
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, CookieJar, web  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot.app import BotApp, build_application  # noqa: E402
from bot.core.db import create_all, create_engine  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.dashboard.auth import create_login  # noqa: E402
from bot.dashboard.views import setup_dashboard  # noqa: E402
from bot.families import reach as figures  # noqa: E402
from bot.families.reach_views import Words, reach_parts  # noqa: E402
from bot.models import (  # noqa: E402
    Announcement,
    ClassMembership,
    Delivery,
    Family,
    Guardian,
    Member,
    Pupil,
    School,
    SchoolClass,
)
from bot.runtime import running  # noqa: E402
from bot.simulator import FakeTelegram  # noqa: E402

TOKEN = "123456789:BENCH-token-for-ouderbrug"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
LANGUAGES = ["nl", "ar", "tr", "pl", "ro", "so", "ti", "uk", ""]
CLASSES, PER_CLASS, FAMILIES = 40, 25, 800
ROLES = ["mother", "father", "other", "unknown"]


async def seed(url: str) -> dict[str, int]:
    """The school's rows, inserted in bulk; what was made."""
    rng = random.Random(17)
    engine = create_engine(url)
    await create_all(engine)
    made: dict[str, int] = {}
    async with engine.begin() as conn:
        await conn.execute(insert(School).values(id=1, name="Bench", created_at=NOW))
        await conn.execute(insert(SchoolClass), [
            {"id": c, "school_id": 1, "name": f"{c:02d}", "join_code": f"code{c:04d}",
             "created_at": NOW} for c in range(1, CLASSES + 1)
        ])  # fmt: skip
        await conn.execute(insert(Family), [
            {"id": f, "school_id": 1, "key": f"k{f}", "created_at": NOW}
            for f in range(1, FAMILIES + 1)
        ])  # fmt: skip
        pupils, seats = [], [(c, s) for c in range(1, CLASSES + 1) for s in range(PER_CLASS)]
        family_of = list(range(1, FAMILIES + 1)) + rng.sample(range(1, FAMILIES + 1), 200)
        rng.shuffle(family_of)
        for n, ((class_id, _), family_id) in enumerate(zip(seats, family_of, strict=True)):
            codes = ",".join(sorted({rng.choice(LANGUAGES) for _ in range(1 + n % 2)} - {""}))
            pupils.append({"id": n + 1, "school_id": 1, "family_id": family_id,
                           "class_id": class_id, "first_name": f"Kind{n}", "last_initial": "B",
                           "languages": codes, "created_at": NOW, "updated_at": NOW})  # fmt: skip
        await conn.execute(insert(Pupil), pupils)
        members = [{"id": 1, "school_id": 1, "telegram_id": 1, "chat_id": 1, "first_name": "Sofie",
                    "language": "nl", "role": "coordinator", "status": "active",
                    "created_at": NOW}]  # fmt: skip
        guardians, memberships, member_id = [], [], 1
        classes_of: dict[int, set[int]] = {}
        for pupil in pupils:
            classes_of.setdefault(pupil["family_id"], set()).add(pupil["class_id"])
        for family_id in range(1, FAMILIES + 1):
            if family_id % 20 >= 16:  # 640 of 800 families have guardians
                continue
            for g in range(2 if family_id % 7 else 3):
                member_id += 1
                status = "stopped" if member_id % 23 == 0 else "active"
                members.append({"id": member_id, "school_id": 1, "telegram_id": member_id,
                                "chat_id": member_id, "first_name": f"Ouder {member_id}",
                                "language": rng.choice(LANGUAGES) or "nl", "status": status,
                                "role": "parent", "created_at": NOW})  # fmt: skip
                decided = NOW - timedelta(days=rng.randrange(0, 70))
                guardians.append({"school_id": 1, "family_id": family_id, "member_id": member_id,
                                  "role": ROLES[(family_id + g) % 4],
                                  "status": "pending" if member_id % 31 == 0 else "approved",
                                  "via": "letter", "created_at": decided,
                                  "decided_at": decided})  # fmt: skip
                memberships += [{"member_id": member_id, "class_id": c, "kind": "guardian",
                                 "created_at": NOW} for c in classes_of[family_id]]  # fmt: skip
        await conn.execute(insert(Member), members)
        await conn.execute(insert(Guardian), guardians)
        await conn.execute(insert(ClassMembership), memberships)
        by_class: dict[int, list[int]] = {}
        for row in memberships:
            by_class.setdefault(row["class_id"], []).append(row["member_id"])
        announcements, deliveries, a_id = [], [], 0
        for class_id in range(1, CLASSES + 1):
            for k in range(3):
                a_id += 1
                sent = NOW - timedelta(days=3 * k, minutes=class_id)
                announcements.append({"id": a_id, "school_id": 1, "class_ids": str(class_id),
                                      "text": "Bericht", "status": "sent", "created_at": sent,
                                      "sent_at": sent})  # fmt: skip
                deliveries += [{"announcement_id": a_id, "member_id": m, "chat_id": m,
                                "language": "nl", "status": "sent", "next_attempt_at": sent,
                                "sent_at": sent, "seen_at": sent if m % 2 else None}
                               for m in by_class[class_id]]  # fmt: skip
        await conn.execute(insert(Announcement), announcements)
        await conn.execute(insert(Delivery), deliveries)
        made = {"pupils": len(pupils), "families": FAMILIES, "guardians": len(guardians),
                "announcements": len(announcements), "deliveries": len(deliveries)}  # fmt: skip
    await engine.dispose()
    return made


Figures = tuple[float, float, float, float]


async def timed(action: Callable[[], Awaitable[object]], runs: int = 15) -> Figures:
    """First, median and worst milliseconds of `runs + 1` runs, and the median CPU milliseconds
    of this process (the HTTP server runs in it too): on a busy machine the wall clock also
    counts the time other processes had the CPU."""
    times, cpu = [], []
    for _ in range(runs + 1):
        started, used = time.perf_counter(), time.process_time()
        await action()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return times[0], statistics.median(times[1:]), max(times[1:]), statistics.median(cpu[1:])


async def measure(base: str, app: BotApp) -> list[tuple[str, Figures]]:
    """The service, the bot's texts, the web page."""
    services = app.bot_data

    async def service() -> figures.Reach:
        async with services.sessions() as session:
            return await figures.reach(session, school_id=1, now=NOW)

    async def bot_texts() -> list[str]:
        return reach_parts(Words(services.catalogs, "nl"), await service(), whole_school=True)

    found = await service()
    print(f"whole school: {found.total.reached}/{found.total.enrolled} families reached, "
          f"{found.total.read} read, {len(await bot_texts())} "
          "message(s) for /reach")  # fmt: skip
    async with services.sessions() as session:
        token = await create_login(session, school_id=1, member_id=1, now=services.clock.now())
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as client:
        async with client.get(f"{base}/dashboard/login/{token}") as response:
            assert response.status == 200, response.status

        async def page() -> None:
            async with client.get(f"{base}/dashboard/reach") as response:
                await response.read()
                assert response.status == 200, response.status

        return [
            ("service `reach()` (whole school)", await timed(service)),
            ("bot: /reach texts (service + views)", await timed(bot_texts)),
            ("dashboard: `/dashboard/reach` over HTTP", await timed(page)),
        ]


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        started = time.perf_counter()
        made = await seed(url)
        print(f"seeded {made} in {time.perf_counter() - started:.1f} s")
        web_app = web.Application()
        apps: list[BotApp] = []
        setup_dashboard(web_app, apps)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            async with FakeTelegram(token=TOKEN, bot_username="bench_bot") as tg:
                settings = load_settings(
                    env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=url,
                    TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
                    OUDERBRUG_DATA_DIR=folder, OUDERBRUG_PUBLIC_URL=base,
                )  # fmt: skip
                async with running(build_application(settings), poll_timeout=5) as app:
                    apps.append(app)
                    results = await measure(base, app)
        finally:
            await runner.cleanup()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\n| what | first ms | median ms | worst ms | median CPU ms | target |")
    print("|---|---|---|---|---|---|")
    for name, (first, median, worst, cpu) in results:
        print(f"| {name} | {first:.1f} | {median:.1f} | {worst:.1f} | {cpu:.1f} | < 200 |")
    slowest = max(worst for _, (_, _, worst, _) in results)
    print(f"\nslowest after the first: {slowest:.1f} ms ({'met' if slowest < 200 else 'NOT met'})")


if __name__ == "__main__":
    asyncio.run(main())
