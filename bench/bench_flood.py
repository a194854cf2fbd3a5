"""One busy chat (benchmark, not a test): do other parents still get quick answers?

The real bot long-polls the simulated Telegram (in this process, on 127.0.0.1) with a SQLite
file. While one parent floods their chat with `rate` messages/s for `seconds` s (every message is
stored for the team and answered with a receipt, bot/conversations/handlers.py), other parents
(one request each, spread evenly over the flood):
- 50 ask /help: the latency from sending it to the answer arriving (p50 / p99 / max);
- 20 press an ordinary button (the language picker's "Nederlands": a database write, the
  callback answer, the chat's menu): the latency until the press is answered (Telegram gives up
  on an answer after 15 s: "query is too old").
Also: how many of the flood's messages were kept (stored for the team), how many got the "slow
down" notice, and when the flood's last update was done. Targets: /help p99 < 1 s, no press
answered later than 5 s.
The simulated Telegram limits the bot like Telegram (30 messages/s, 1/s per chat, 429 beyond;
`--no-limits`: no limits), so the flood's receipts cannot all go out at once. How the flooding
chat is answered besides (`--chat=`):
- `free` (default): at once;
- `paced`: one message a second, the first at once (the simulated Telegram holds each answer
  until a second after the previous one), as a bot that paces each chat sees them go out;
- `slow`: every message to that chat takes a second (the worst case).
Run: scripts/bench  (or python bench/bench_flood.py [rate] [seconds] [--chat=free|paced|slow]
[--no-limits])
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot.app import BotApp, build_application  # noqa: E402
from bot.core.db import create_all, create_engine  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.models import ClassMembership, InboxMessage, Member, SchoolClass  # noqa: E402
from bot.runtime import running  # noqa: E402
from bot.simulator import FakeTelegram, SimUser  # noqa: E402
from bot.simulator.control import Fault, Faults  # noqa: E402

TOKEN = "123456789:BENCH-token-for-ouderbrug"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
FLOODER, COORDINATOR, FIRST_HELPER, FIRST_PRESSER = 5_000, 5_001, 6_000, 7_000
HELPS, PRESSES = 50, 20


async def seed(app: BotApp) -> None:
    """A class, its coordinator (who hears of parents' messages), and the parents."""
    services = app.bot_data
    parents = [FLOODER] + [FIRST_HELPER + i for i in range(HELPS + 1)]
    parents += [FIRST_PRESSER + i for i in range(PRESSES)]
    async with services.sessions() as session:
        await session.exec(insert(SchoolClass).values(  # type: ignore[call-overload]
            id=1, school_id=services.school_id, name="1A", join_code="bench1a", created_at=NOW,
        ))  # fmt: skip
        await session.exec(insert(Member), params=[  # type: ignore[call-overload]
            {"id": who, "school_id": services.school_id, "telegram_id": who, "chat_id": who,
             "first_name": f"Ouder {who}", "language": "nl",
             "role": "coordinator" if who == COORDINATOR else "parent", "created_at": NOW}
            for who in [COORDINATOR, *parents]
        ])  # fmt: skip
        await session.exec(insert(ClassMembership), params=[  # type: ignore[call-overload]
            {"member_id": who, "class_id": 1, "created_at": NOW} for who in parents
        ])  # fmt: skip
        await session.commit()


class PacedChat(Faults):
    """Answers to one chat at most one a second, the first at once (a per-chat pacer's pace)."""

    def __init__(self, chat_id: int, interval: float) -> None:
        super().__init__()
        self.chat_id, self.interval, self.free = chat_id, interval, 0.0

    def match(self, method: str, chat_id: int | None) -> Fault | None:
        """Hold a message to the chat until its turn (as a delay before answering)."""
        if not method.startswith("send") or chat_id != self.chat_id:
            return super().match(method, chat_id)
        now = time.monotonic()
        turn = max(now, self.free)
        self.free = turn + self.interval
        return Fault(method, 200, "", delay=turn - now) if turn > now else None


class Done:
    """When each update's handlers were done (wraps the update processor), and how many."""

    def __init__(self, app: BotApp) -> None:
        self.count = 0
        self.flood_last = 0.0
        self.changed = asyncio.Event()
        processor: Any = app.update_processor
        inner = processor.do_process_update

        async def counted(update: Any, coroutine: Any) -> None:
            try:
                await inner(update, coroutine)
            finally:
                self.count += 1
                if update.effective_user is not None and update.effective_user.id == FLOODER:
                    self.flood_last = time.perf_counter()
                self.changed.set()

        processor.do_process_update = counted

    async def reach(self, count: int) -> None:
        """Wait until `count` updates are done."""
        while self.count < count:
            self.changed.clear()
            await self.changed.wait()


async def at(moment: float) -> None:
    """Sleep until `moment` (time.perf_counter())."""
    await asyncio.sleep(max(0.0, moment - time.perf_counter()))


async def flood(parent: SimUser, start: float, rate: float, count: int) -> None:
    """One parent writes `count` messages at `rate` per second."""
    for i in range(count):
        await at(start + i / rate)
        await parent.send(f"Bericht {i + 1}: is er morgen opvang? Mijn zoon is ziek.")


async def ask_help(parent: SimUser, moment: float, help_text: str) -> float:
    """Seconds from sending /help to its answer."""
    await at(moment)
    sent = time.perf_counter()
    await parent.send("/help")
    await parent.wait_for_message(lambda m: m.shows(help_text), timeout=110)
    return time.perf_counter() - sent


async def press(parent: SimUser, moment: float) -> float:
    """Seconds from pressing "Nederlands" in the language picker to the press's answer."""
    await at(moment)
    sent = time.perf_counter()
    cb = await parent.press_data("lang:nl:")
    await parent.wait_callback_answer(cb, timeout=110)
    return time.perf_counter() - sent


async def bench(rate: float, seconds: float, chat: str, limits: bool) -> dict[str, Any]:
    """One flood with /help requests and presses of others; the figures."""
    count = round(rate * seconds)
    async with FakeTelegram(token=TOKEN) as tg:
        if limits:
            tg.set_limits(30, 1)
        if chat == "paced":
            tg.faults = PacedChat(FLOODER, 1.0)
        elif chat == "slow":
            tg.inject("sendMessage", status=200, delay=1.0, times=None, chat_id=FLOODER)
        people = {who: tg.user(who, f"Ouder {who}") for who in range(FLOODER, FLOODER + 2)}
        helpers = [tg.user(FIRST_HELPER + i, f"Hulp {i}") for i in range(HELPS + 1)]
        pressers = [tg.user(FIRST_PRESSER + i, f"Knop {i}") for i in range(PRESSES)]
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            engine = create_engine(url)
            await create_all(engine)
            await engine.dispose()
            settings = load_settings(
                env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=url,
                TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"), OUDERBRUG_DATA_DIR=tmp,
            )  # fmt: skip
            app = build_application(settings)
            async with running(app, poll_timeout=1):
                await seed(app)
                help_text = app.bot_data.catalogs.help("nl", "parent").splitlines()[0]
                done = Done(app)
                await ask_help(helpers[-1], time.perf_counter(), help_text)  # warm up
                await done.reach(1)
                start = time.perf_counter() + 0.2
                span = count / rate
                helps = [
                    ask_help(h, start + (i + 0.5) * span / HELPS, help_text)
                    for i, h in enumerate(helpers[:HELPS])
                ]
                presses = [
                    press(p, start + (i + 0.5) * span / PRESSES) for i, p in enumerate(pressers)
                ]
                flooding = flood(people[FLOODER], start, rate, count)
                results = await asyncio.gather(flooding, *helps, *presses)
                await done.reach(1 + count + HELPS + PRESSES)
                async with app.bot_data.sessions() as session:
                    kept = (await session.exec(
                        select(func.count()).select_from(InboxMessage)
                        .where(InboxMessage.member_id == FLOODER)
                    )).one()  # fmt: skip
                notices = [
                    m for m in people[FLOODER].messages if m.reply_to is not None
                ]  # the receipts do not quote the message; a "slow down" notice does
                help_times = sorted(results[1 : 1 + HELPS])
                press_times = results[1 + HELPS :]
                return {
                    "help_p50": statistics.median(help_times),
                    "help_p99": help_times[min(len(help_times) - 1, int(len(help_times) * 0.99))],
                    "help_max": help_times[-1],
                    "press_max": max(press_times),
                    "press_p50": statistics.median(press_times),
                    "sent": count,
                    "kept": kept,
                    "notices": len(notices),
                    "flood_done": done.flood_last - start,
                    "too_many": tg.stats.too_many,
                }


def main() -> None:
    """Print a markdown table row."""
    logging.basicConfig(level=logging.CRITICAL)
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rate = float(args[0]) if args else 10.0
    seconds = float(args[1]) if len(args) > 1 else 6.0
    limits = "--no-limits" not in sys.argv
    chat = next((a.split("=")[1] for a in sys.argv if a.startswith("--chat=")), "free")
    started = time.perf_counter()
    r = asyncio.run(bench(rate, seconds, chat, limits))
    print(f"Machine: {os.cpu_count()} CPUs; load: {os.getloadavg()[0]:.2f}; "
          f"flooding chat: {chat}; "
          f"Telegram's limits: {'on' if limits else 'off'}; run took "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    print(
        "| flood | /help p50 / p99 / max (50 parents) | press answered p50 / latest (20 "
        "parents) | flood: kept / notices | flood's last update done after | 429s |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {r['sent']} msgs at {rate:g}/s | {r['help_p50'] * 1000:.0f} / "
        f"{r['help_p99'] * 1000:.0f} / {r['help_max'] * 1000:.0f} ms "
        f"| {r['press_p50'] * 1000:.0f} ms / {r['press_max']:.2f} s "
        f"| {r['kept']} / {r['notices']} | {r['flood_done']:.1f} s | {r['too_many']} |"
    )


if __name__ == "__main__":
    main()
