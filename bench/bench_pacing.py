"""Pacing benchmarks (not tests): the bot's rate limiter against PTB's AIORateLimiter, side by side.

The fake Bot API server runs in its own process (`--serve`, below), limiting like Telegram: 30
messages/s overall (a sliding one-second window on arrivals), per chat 1/s with bursts of 3, edits
counted too. Each benchmark runs the real bot (SQLite outbox, `Sender`) once with its own limiter
(bot/telegram/ratelimit.py) and once with `AIORateLimiter(max_retries=3)` swapped in:
1. edits: a delivered announcement to N parents (default 1,000) is edited;
2. storm: a broadcast to N parents (default 700); after 100 copies Telegram answers 429 to every
   message for S seconds (default 30, retry_after 2), then recovers;
3. latency: a broadcast to N parents (default 750) with 100 ms round trips, then again with 30% of
   the answers taking 0.2-2.5 s more (the server is slow: the message has arrived).
Figures come from the server's log: the rate of accepted messages (first to last arrival), the
most arrivals in any one second, and the 429 answers. Each benchmark takes at most ~2 minutes.
Run: scripts/bench, or python bench/bench_pacing.py [N] [edits|storm|latency ...] [--storm S]
(N: parents for all three). OUDERBRUG_BENCH_SERVER=/other/checkout/bench/bench_pacing.py runs
the server from another checkout (to measure an older bot against this simulator).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_delivery import TOKEN, seed  # noqa: E402
from sqlmodel import col, func, select  # noqa: E402
from telegram.ext import AIORateLimiter  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.models import Delivery, DeliveryStatus  # noqa: E402
from bot.runtime import running  # noqa: E402

FIRST = 10_000  # the parents' user ids (bench_delivery.seed)
SERVER = os.environ.get("OUDERBRUG_BENCH_SERVER", __file__)


class PtbLimiter(AIORateLimiter):
    """PTB's AIORateLimiter as shipped (30/s overall), retrying a 429 up to 3 times; the outbox's
    own `rate_limit_args` mean nothing to it."""

    async def process_request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["rate_limit_args"] = None
        return await super().process_request(*args, **kwargs)


class Server:
    """The fake Telegram in its own process, steered through its stdin (one JSON per line)."""

    async def start(self, users: int) -> str:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, SERVER, "--serve", str(users),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        return await self._line()

    async def _line(self) -> Any:
        assert self.proc.stdout is not None
        return json.loads((await self.proc.stdout.readline()).decode())

    async def ask(self, **command: Any) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        return await self._line()

    async def stop(self) -> None:
        await self.ask(quit=True)
        await self.proc.wait()


async def run_bot(url: str, base: str, limiter: str, rate: float = 30.0) -> float:
    """Start the bot on the outbox, with its own limiter or PTB's; seconds until nothing is left."""
    settings = load_settings(
        env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base, DATABASE_URL=url,
        OUDERBRUG_DATA_DIR=str(Path(url.split(":///", 1)[1]).parent), OUDERBRUG_SEND_RATE=rate,
    )  # fmt: skip
    app = build_application(settings)
    if limiter == "ptb":  # swapped in before the bot starts (ExtBot keeps it in _rate_limiter)
        app.bot._rate_limiter = PtbLimiter(max_retries=3)  # type: ignore[attr-defined]
    started = time.perf_counter()
    async with running(app, poll_timeout=1) as bot:
        waiting = [DeliveryStatus.PENDING, DeliveryStatus.SENDING]
        while True:  # one cheap query every 0.1 s
            async with bot.bot_data.sessions() as session:
                left = (
                    await session.exec(
                        select(func.count()).where(col(Delivery.status).in_(waiting))
                    )
                ).one()
            if not left:
                return time.perf_counter() - started
            await asyncio.sleep(0.1)


async def measure(parents: int, limiter: str, setup: dict[str, Any], edits: bool) -> dict[str, Any]:
    """One run: a fresh server and outbox; the server's figures and the run's length."""
    server = Server()
    base = await server.start(parents)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await seed(url, parents)
            if edits:  # first deliver at full speed, then edit every copy
                await run_bot(url, base, "own", rate=100_000)
                await revise(url)
            for name, value in setup.items():
                await server.ask(**{name: value})
            await server.ask(mark=True)
            seconds = await run_bot(url, base, limiter)
            figures = await server.ask(report="editMessageText" if edits else "sendMessage")
            figures["failed"] = await count(url, DeliveryStatus.FAILED)
    finally:
        await server.stop()
    return {**figures, "seconds": seconds}


async def revise(url: str) -> None:
    """The author edits the announcement: every delivered copy is queued for editing."""
    from bot.announcements.outbox import revise as queue_edits
    from bot.core.db import create_engine, session_factory

    engine = create_engine(url)
    async with session_factory(engine)() as session:
        text = "Beste ouders, de uitstap naar het bos is verplaatst naar vrijdag. Laarzen mee!"
        await queue_edits(session, announcement_id=1, author_id=1, text=text, now=datetime.now(UTC))
    await engine.dispose()


async def count(url: str, status: DeliveryStatus) -> int:
    """Outbox rows in one state."""
    from bot.core.db import create_engine, session_factory

    engine = create_engine(url)
    async with session_factory(engine)() as session:
        found = (await session.exec(select(func.count()).where(Delivery.status == status))).one()
    await engine.dispose()
    return int(found)


LIMITS = {"limits": [30, 1, 3, True]}  # 30/s, per chat 1/s with bursts of 3, edits counted


async def bench_edits(parents: int, _storm: float) -> list[str]:
    rows = []
    for limiter in ("own", "ptb"):
        r = await measure(parents, limiter, LIMITS, edits=True)
        rows.append(row(f"edit {parents} delivered copies ({NAMES[limiter]})", r))
    return rows


async def bench_storm(parents: int, storm: float) -> list[str]:
    setup = {**LIMITS, "storm": [100, storm, 2]}
    rows = []
    for limiter in ("own", "ptb"):
        r = await measure(parents, limiter, setup, edits=False)
        after = f"{r['after_storm']} copies in {r['after_seconds']:.1f} s after it ({r['after_rate']:.1f}/s)"  # fmt: skip
        rows.append(row(f"{parents} copies, {storm:.0f} s storm after 100 ({NAMES[limiter]}): {after}", r))  # fmt: skip
    return rows


async def bench_latency(parents: int, _storm: float) -> list[str]:
    rows = []
    slow = {"slow": [0.3, 0.2, 2.5]}
    for name, setup in (("100 ms round trips", {}), ("+ 30% answers 0.2-2.5 s slower", slow)):
        for limiter in ("own", "ptb"):
            r = await measure(parents, limiter, {**LIMITS, "latency": 0.1, **setup}, edits=False)
            rows.append(row(f"{parents} copies, {name} ({NAMES[limiter]})", r))
    return rows


NAMES = {"own": "bot's PacedRateLimiter", "ptb": "PTB AIORateLimiter"}
BENCHES = {"edits": bench_edits, "storm": bench_storm, "latency": bench_latency}


def row(what: str, r: dict[str, Any]) -> str:
    """One table row: rate, most arrivals in a second, 429 answers, duration, failed copies."""
    flood = r["refused"] - r["storm_refused"]
    refused = f"{flood}" + (f" (+{r['storm_refused']} in the storm)" if r["storm_refused"] else "")
    return (
        f"| {what} | {r['rate']:.1f}/s | {r['most_in_second']} | {refused} | "
        f"{r['seconds']:.1f} s | {r['failed']} |"
    )


async def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)  # its 429s: counted
    numbers = [a for a in argv if a.isdigit()]
    storm = float(argv[argv.index("--storm") + 1]) if "--storm" in argv else None
    chosen = [a for a in argv if a in BENCHES] or list(BENCHES)
    defaults = {"edits": 1000, "storm": 700, "latency": 750}
    print("| run | rate (accepted, server side) | most arrivals in 1 s | 429 answers | duration | failed |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name in chosen:
        parents = int(numbers[0]) if numbers else defaults[name]
        seconds = storm if storm is not None else min(30.0, max(5.0, parents / 700 * 30))
        for line in await BENCHES[name](parents, seconds):
            print(line, flush=True)


# The fake Telegram's side (python bench/bench_pacing.py --serve USERS) -----------------------
async def serve(users: int) -> None:
    from bot.simulator import FakeTelegram
    from bot.simulator.control import Fault

    loop = asyncio.get_running_loop()
    async with FakeTelegram(token=TOKEN) as tg:
        for i in range(users):
            tg.user(FIRST + i, f"P{i}")
        print(json.dumps(tg.base_url.removesuffix("/bot")), flush=True)
        mark, storm, tasks = 0, [0.0, 0.0], set()

        async def storm_after(sent: int, seconds: float, retry_after: int) -> None:
            await tg.wait_until(lambda: tg.stats.sent >= sent, timeout=3600)
            fault = Fault("sendMessage", 429, "", retry_after, None)
            tg.faults.add(fault)
            storm[0] = time.monotonic()
            await asyncio.sleep(seconds)
            tg.faults.pending.remove(fault)
            storm[1] = time.monotonic()

        while line := await loop.run_in_executor(None, sys.stdin.readline):
            command, answer = json.loads(line), {}
            if "limits" in command:
                per_second, per_chat, burst, edits = command["limits"]
                tg.set_limits(per_second, per_chat, per_chat_burst=burst, edits=edits)
            if "latency" in command:
                tg.set_latency(command["latency"])
            if "slow" in command:
                share, low, high = command["slow"]
                for method in ("sendMessage", "editMessageText"):
                    tg.inject(method, status=200, probability=share, delay=low, delay_max=high, times=None)  # fmt: skip
            if "storm" in command:
                tasks.add(asyncio.create_task(storm_after(*command["storm"])))
            if "mark" in command:
                mark = len(tg.requests)
            if "report" in command:
                answer = report(tg.requests[mark:], command["report"], storm)
            print(json.dumps(answer), flush=True)
            if "quit" in command:
                break


def report(calls: list[Any], method: str, storm: list[float]) -> dict[str, Any]:
    """The server's figures for one run."""
    counted = [c for c in calls if c.method == method and int(c.params.get("chat_id", 0)) >= FIRST]
    accepted = [c.at for c in counted if c.status == 200]
    in_storm = [c for c in counted if c.status == 429 and storm[0] <= c.at <= storm[1]]
    after = [t for t in accepted if storm[1] and t > storm[1]]
    times, most, first = sorted(c.at for c in counted), 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    span = (accepted[-1] - accepted[0]) if len(accepted) > 1 else 1.0
    after_seconds = (after[-1] - storm[1]) if after else 0.0
    return {
        "rate": (len(accepted) - 1) / span if accepted else 0.0,
        "most_in_second": most,
        "refused": sum(1 for c in calls if c.status == 429),
        "storm_refused": len(in_storm),
        "after_storm": len(after),
        "after_seconds": after_seconds,
        "after_rate": len(after) / after_seconds if after_seconds else 0.0,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(serve(int(sys.argv[2])))
    else:
        asyncio.run(main(sys.argv[1:]))
