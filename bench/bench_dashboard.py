"""Dashboard benchmark (not a test): every page with 100,000 poll answers and 10,000 deliveries.

A school on SQLite with 1,000 parents in 20 classes, 10 announcements of 1,000 copies each (10,000
deliveries), a poll with 100,002 answers (33,334 respondents), 5 invitations with 200 answers each
and 50 open conversations. The real bot runs against the simulated Telegram (same process, idle);
the dashboard is served by aiohttp on 127.0.0.1 and fetched by an HTTP client with the session
cookie. Each page: 16 requests; the first, then the median and worst of the other 15. Then the
poll's page again 16 times, each after one more answer (as in a running poll, where the cached
results never hold): the tally is read from the counts kept as answers are stored.
Run: scripts/bench  (or python bench/bench_dashboard.py)
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, CookieJar, web  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402

from bot.app import BotApp, build_application  # noqa: E402
from bot.core.db import create_all, create_engine  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.dashboard.auth import create_login  # noqa: E402
from bot.dashboard.views import setup_dashboard  # noqa: E402
from bot.models import (  # noqa: E402
    Announcement,
    ClassMembership,
    Conversation,
    Delivery,
    Event,
    InboxMessage,
    Member,
    Poll,
    PollAnswer,
    PollResponse,
    Rsvp,
    School,
    SchoolClass,
)
from bot.polls import counts as poll_counts  # noqa: E402
from bot.runtime import running  # noqa: E402
from bot.simulator import FakeTelegram  # noqa: E402

TOKEN = "123456789:BENCH-token-for-ouderbrug"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
LANGUAGES = ["nl", "ar", "tr", "pl", "ro", "fr", "uk", "so"]
PARENTS, CLASSES, ANNOUNCEMENTS, RESPONDENTS = 1000, 20, 10, 33_334
PICKS = {"hard": ["language", "hours", "childcare"], "often": ["often", "sometimes", "never"]}
PICKS["help"] = ["interpreter", "time", "kids"]


async def seed(url: str) -> None:
    """The school's rows, inserted in bulk."""
    engine = create_engine(url)
    await create_all(engine)
    async with engine.begin() as conn:
        await conn.execute(insert(School).values(id=1, name="Bench", created_at=NOW))
        await conn.execute(
            insert(SchoolClass),
            [
                {"id": c, "school_id": 1, "name": f"{c}A", "join_code": f"code{c:04d}",
                 "created_at": NOW}
                for c in range(1, CLASSES + 1)
            ],
        )  # fmt: skip
        members = [{"id": 1, "school_id": 1, "telegram_id": 1, "chat_id": 1, "first_name": "Sofie",
                    "language": "nl", "role": "coordinator", "created_at": NOW}]  # fmt: skip
        members += [
            {"id": m, "school_id": 1, "telegram_id": m, "chat_id": m, "first_name": f"Ouder {m}",
             "language": LANGUAGES[m % len(LANGUAGES)], "role": "parent", "created_at": NOW}
            for m in range(2, PARENTS + 2)
        ]  # fmt: skip
        await conn.execute(insert(Member), members)
        await conn.execute(
            insert(ClassMembership),
            [{"member_id": m, "class_id": 1 + m % CLASSES, "created_at": NOW}
             for m in range(2, PARENTS + 2)],
        )  # fmt: skip
        all_classes = ",".join(str(c) for c in range(1, CLASSES + 1))
        await conn.execute(
            insert(Announcement),
            [{"id": a, "school_id": 1, "author_id": 1, "class_ids": all_classes,
              "text": f"Bericht {a}: morgen is er geen school.", "status": "sent",
              "created_at": NOW, "sent_at": NOW} for a in range(1, ANNOUNCEMENTS + 1)],
        )  # fmt: skip
        await conn.execute(
            insert(Delivery),
            [{"announcement_id": a, "member_id": m, "chat_id": m,
              "language": LANGUAGES[m % len(LANGUAGES)],
              "status": "failed" if m % 97 == 0 else "sent", "next_attempt_at": NOW,
              "sent_at": NOW, "seen_at": NOW if (m + a) % 3 else None}
             for a in range(1, ANNOUNCEMENTS + 1) for m in range(2, PARENTS + 2)],
        )  # fmt: skip
        await conn.execute(
            insert(Poll).values(id=1, school_id=1, flow_id="barriers", class_ids=all_classes,
                                status="open", invited=PARENTS, created_at=NOW, opened_at=NOW,
                                closes_at=NOW + timedelta(days=7))
        )  # fmt: skip
        responses, answers = [], []
        for r in range(RESPONDENTS):
            rid = f"r{r:031d}"
            responses.append({"id": rid, "poll_id": 1, "class_id": 1 + r % CLASSES,
                              "day": date(2026, 11, 23)})  # fmt: skip
            for k, (question, options) in enumerate(PICKS.items()):
                text = f"Eigen woorden {r}" if k == 0 and r % 50 == 0 else None
                answers.append({
                    "id": f"a{r:026d}{k:05d}", "poll_id": 1, "response_id": rid,
                    "question_id": question, "option_id": None if text else options[r % 3],
                    "text": text, "language": "tr" if text else None,
                    "text_nl": f"NL {r}" if text else None,
                })  # fmt: skip
        await conn.execute(insert(PollResponse), responses)
        await conn.execute(insert(PollAnswer), answers)
        for statement in poll_counts.RECOUNT:  # what the bot keeps as answers are stored
            await conn.execute(sql(statement), {"poll_id": 1})
        for e in range(1, 6):
            await conn.execute(
                insert(Announcement).values(id=100 + e, school_id=1, author_id=1, kind="invitation",
                                            text="Koffie", status="sent", created_at=NOW)
            )  # fmt: skip
            await conn.execute(
                insert(Event).values(id=e, school_id=1, announcement_id=100 + e, template="coffee",
                                     title=f"Koffiemoment {e}", starts_at=NOW + timedelta(days=e),
                                     ends_at=NOW + timedelta(days=e, hours=1), place="refter",
                                     created_at=NOW)
            )  # fmt: skip
            await conn.execute(
                insert(Rsvp),
                [{"event_id": e, "member_id": m, "answer": ["yes", "maybe", "no"][m % 3],
                  "people": 1 + m % 3, "interpreter": m % 7 == 0, "updated_at": NOW}
                 for m in range(2, 202)],
            )  # fmt: skip
        for c in range(1, 51):
            await conn.execute(
                insert(Conversation).values(id=c, school_id=1, member_id=c + 1, created_at=NOW,
                                            updated_at=NOW + timedelta(minutes=c))
            )  # fmt: skip
            await conn.execute(
                insert(InboxMessage),
                [{"school_id": 1, "member_id": c + 1, "conversation_id": c, "text": f"Vraag {i}",
                  "language": "tr", "text_nl": f"Vraag {i} (NL)", "created_at": NOW}
                 for i in range(3)],
            )  # fmt: skip
    await engine.dispose()


PAGES = [
    "/dashboard/", "/dashboard/announcements", "/dashboard/announcements/1",
    "/dashboard/polls", "/dashboard/polls/1", "/dashboard/polls/1/chart.png",
    "/dashboard/polls/1/totals.csv", "/dashboard/polls/1/texts.csv",
    "/dashboard/polls/1/results.xlsx", "/dashboard/invitations", "/dashboard/inbox",
    "/dashboard/classes", "/dashboard/settings",
]  # fmt: skip


async def measure(base: str, app: BotApp, runs: int = 15) -> list[tuple[str, float, float, float]]:
    """First, median and worst milliseconds per page (the first poll page counts the answers)."""
    services = app.bot_data
    async with services.sessions() as session:
        token = await create_login(session, school_id=1, member_id=1, now=services.clock.now())
    figures = []
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as client:
        async with client.get(f"{base}/dashboard/login/{token}") as response:
            assert response.status == 200, response.status
        for path in PAGES:
            times = []
            for _ in range(runs + 1):
                started = time.perf_counter()
                async with client.get(base + path) as response:
                    await response.read()
                    assert response.status == 200, (path, response.status)
                times.append((time.perf_counter() - started) * 1000)
            figures.append((path, times[0], statistics.median(times[1:]), max(times[1:])))
        # A running poll: an answer arrives before every view, so nothing cached still holds.
        times = []
        for n in range(runs + 1):
            await answer(app, n)
            started = time.perf_counter()
            async with client.get(f"{base}/dashboard/polls/1") as response:
                await response.read()
                assert response.status == 200, response.status
            times.append((time.perf_counter() - started) * 1000)
        label = "`/dashboard/polls/1` after each new answer"
        figures.append((label, times[0], statistics.median(times[1:]), max(times[1:])))
    return figures


async def answer(app: BotApp, n: int) -> None:
    """One more respondent's answer, written as a press writes it (answer row and counts)."""
    row = {"id": f"new{n:029d}", "poll_id": 1, "response_id": f"n{n:031d}",
           "question_id": "often", "option_id": "often", "text": None, "language": None,
           "text_nl": None}  # fmt: skip
    async with app.bot_data.sessions() as session:
        await session.exec(insert(PollResponse).values(  # type: ignore[call-overload]
            id=row["response_id"], poll_id=1, class_id=1 + n % CLASSES, day=date(2026, 11, 24)
        ))  # fmt: skip
        await session.exec(insert(PollAnswer), params=[row])  # type: ignore[call-overload]
        await poll_counts.add(session, [row])
        await session.commit()


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        started = time.perf_counter()
        await seed(url)
        print(f"seeded in {time.perf_counter() - started:.1f} s")
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
                    figures = await measure(base, app)
        finally:
            await runner.cleanup()
    print("\n| page | first ms | median ms | worst ms | target |\n|---|---|---|---|---|")
    for path, first, median, worst in figures:
        name = path if " " in path else f"`{path}`"
        print(f"| {name} | {first:.1f} | {median:.1f} | {worst:.1f} | < 200 |")
    slowest = max(max(first, worst) for _, first, _, worst in figures)
    print(f"\nslowest request: {slowest:.1f} ms ({'met' if slowest < 200 else 'NOT met'})")


if __name__ == "__main__":
    asyncio.run(main())
