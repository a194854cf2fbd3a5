"""Webhook benchmark (not a test): how many updates/s the web server accepts, and do handlers keep up?

This process runs the real bot in webhook mode (bot/web/server.py, SQLite) with the simulated
Telegram in its own process (bench/fake_server.py). The load comes from a SEPARATE process (this
script with `--load`, an aiohttp client on 127.0.0.1) posting updates as Telegram would, with the
secret header. The mix, repeating every 4 updates:
- 2 of 4: a text message in the parents' group chat from one of 400 known parents (members in the
  database): the bot reads it (the middleware loads the member) and leaves it unanswered;
- 1 of 4: a known parent presses the Start button of a poll that has closed: the bot answers the
  press ("this poll has closed", answerCallbackQuery to the simulated Telegram);
- 1 of 4: a group message from someone the bot does not know (one of 100).
Nothing here sends messages, so the figures are not capped by the 30 messages/s send budget
(answering a press is not a message). Runs:
1. Fixed rate: `rate` updates/s for `seconds` s; latency p50/p99/max of every POST, and how long
   after the last POST the handlers had finished every update.
2. The same with the handlers held (a first handler waits): the web server's side alone; then
   the handlers are let go, and the time they take gives their own throughput.
3. Flat out: 64 requests at a time; accepted updates/s.
`--profile` writes a pyinstrument profile of each run (posting and handling) to /tmp/webperf/.
`--uvloop` runs the bot process on uvloop (not a dependency: pip install uvloop).
Run: scripts/bench  (or python bench/bench_webhook.py [rate] [seconds] [--profile] [--uvloop])
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

TOKEN = "123456789:BENCH-token-for-ouderbrug"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


PARENTS, STRANGERS, FIRST_PARENT, FIRST_STRANGER = 400, 100, 50_000, 90_000
POLL_ID = 7  # a closed poll (seeded)


def update(update_id: int) -> dict[str, Any]:
    """Update number `update_id` of the mix (see the module's docstring)."""
    kind = update_id % 4
    if kind == 3:
        who = FIRST_STRANGER + update_id % STRANGERS
    else:
        who = FIRST_PARENT + update_id % PARENTS
    user = {"id": who, "is_bot": False, "first_name": "P", "language_code": "nl"}
    if kind == 1:
        private = {"id": who, "type": "private", "first_name": "P"}
        invitation = {"message_id": 3, "chat": private, "date": 1_790_000_000, "text": "Enquête"}
        press = {"id": f"cb{update_id}", "from": user, "chat_instance": f"ci{who}",
                 "data": f"pg:{POLL_ID}", "message": invitation}  # fmt: skip
        return {"update_id": update_id, "callback_query": press}
    chat = {"id": -100_777, "type": "group", "title": "Ouders 1A"}
    message = {"message_id": update_id, "from": user, "chat": chat, "date": 1_790_000_000}
    return {"update_id": update_id, "message": {**message, "text": "Tot morgen!"}}


async def seed(app: Any) -> None:
    """The known parents and the closed poll."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from bot.models import Member, Poll

    services, now = app.bot_data, datetime(2026, 11, 23, 9, tzinfo=UTC)
    async with services.sessions() as session:
        await session.exec(insert(Member), params=[  # type: ignore[call-overload]
            {"school_id": services.school_id, "telegram_id": FIRST_PARENT + i,
             "chat_id": FIRST_PARENT + i, "first_name": f"Ouder {i}", "language": "nl",
             "role": "parent", "created_at": now} for i in range(PARENTS)
        ])  # fmt: skip
        await session.exec(insert(Poll).values(  # type: ignore[call-overload]
            id=POLL_ID, school_id=services.school_id, flow_id="barriers", class_ids="",
            status="closed", invited=PARENTS, created_at=now, opened_at=now, closes_at=now,
        ))  # fmt: skip
        await session.commit()


class Finished:
    """Counts the updates the handlers have finished (wraps the update processor)."""

    def __init__(self, app: Any) -> None:
        self.count = 0
        self.changed = asyncio.Event()
        processor = app.update_processor
        inner = processor.do_process_update

        async def counted(update: object, coroutine: Any) -> None:
            try:
                await inner(update, coroutine)
            finally:
                self.count += 1
                self.changed.set()

        processor.do_process_update = counted

    async def reach(self, count: int) -> None:
        """Wait until `count` updates have been finished."""
        while self.count < count:
            self.changed.clear()
            await self.changed.wait()


async def load(url: str, secret: str, first: int, count: int, rate: float, at_once: int) -> None:
    """The load process: POST `count` updates (at `rate`/s, or flat out when 0); JSON on stdout."""
    bodies = [json.dumps(update(first + i)).encode() for i in range(count)]
    headers = {SECRET_HEADER: secret, "Content-Type": "application/json"}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    gate = asyncio.Semaphore(at_once)
    connector = aiohttp.TCPConnector(limit=at_once)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def post(body: bytes) -> None:
            async with gate:
                sent = time.perf_counter()
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                latencies.append(time.perf_counter() - sent)
                statuses[response.status] = statuses.get(response.status, 0) + 1

        started = time.perf_counter()
        tasks = []
        for i, body in enumerate(bodies):
            if rate:
                delay = started + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(body)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    latencies.sort()
    print(
        json.dumps(
            {
                "sent": count,
                "seconds": elapsed,
                "rate": count / elapsed,
                "statuses": statuses,
                "p50_ms": latencies[len(latencies) // 2] * 1000,
                "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
                "max_ms": latencies[-1] * 1000,
                "client_cpu": time.process_time(),
            }
        ),
        flush=True,
    )


async def run_load(
    url: str, secret: str, first: int, count: int, rate: float, at_once: int
) -> dict[str, Any]:
    """Start the load process and wait for its figures."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--load", url, secret, str(first), str(count), str(rate),
        str(at_once), stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await proc.communicate()
    assert proc.returncode == 0, "the load process failed"
    return json.loads(out.decode())  # type: ignore[no-any-return]


def save_profile(profiler: Any, run: int) -> None:
    """A run's profile (posting and handling), as text and HTML, in /tmp/webperf/."""
    out = Path("/tmp/webperf")
    out.mkdir(exist_ok=True)
    (out / f"run{run + 1}.txt").write_text(profiler.output_text(show_all=False))
    (out / f"run{run + 1}.html").write_text(profiler.output_html())


async def bench(rate: float, seconds: float, profile: bool) -> list[dict[str, Any]]:
    """The three runs against one server."""
    from telegram import Update
    from telegram.ext import TypeHandler

    from bot.app import build_application
    from bot.core.migrate import upgrade_async
    from bot.core.settings import load_settings
    from bot.web.server import METRICS, web_side
    from bot.web.webhook import load_webhook_secret, school_secret

    server = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "fake_server.py"), "--token", TOKEN, "--users", "1",
        "--any-press", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert server.stdout is not None and server.stdin is not None
    base = (await server.stdout.readline()).decode().strip()
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await upgrade_async(db)
            settings = load_settings(
                env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base,
                DATABASE_URL=db, OUDERBRUG_DATA_DIR=tmp,
            )  # fmt: skip
            app = build_application(settings, webhook=True)
            async with web_side(settings, {"default": app}, host="127.0.0.1", port=0) as web:
                await seed(app)
                url = f"{web.local_url}/telegram/default"
                secret = school_secret(load_webhook_secret(settings), "default")
                metrics = web.web_app[METRICS]
                finished = Finished(app)
                hold = asyncio.Event()
                hold.set()

                async def held(update: object, context: object) -> None:
                    await hold.wait()

                app.add_handler(TypeHandler(Update, held), group=-3)
                first = 1
                for name, count, pace, at_once in (
                    ("fixed rate, handlers running", int(rate * seconds), rate, 256),
                    ("fixed rate, handlers held", int(rate * seconds), rate, 256),
                    ("flat out, handlers running", int(rate * seconds), 0.0, 64),
                ):
                    if "held" in name:
                        hold.clear()
                    target = finished.count + count
                    profiler = None
                    if profile:
                        from pyinstrument import Profiler

                        profiler = Profiler(async_mode="disabled")
                        profiler.start()
                    cpu = time.process_time()
                    figures = await run_load(url, secret, first, count, pace, at_once)
                    done_posting = time.perf_counter()
                    load_cpu = time.process_time() - cpu
                    backlog = target - finished.count
                    drain_cpu = time.process_time()
                    hold.set()
                    await finished.reach(target)
                    drain_cpu = time.process_time() - drain_cpu
                    if profiler is not None:
                        profiler.stop()
                        save_profile(profiler, len(results))
                    figures |= {
                        "name": name,
                        "drain_s": time.perf_counter() - done_posting,
                        "backlog": backlog,
                        "drain_cpu_ms": drain_cpu * 1000 / max(backlog, 1),
                        "handled": metrics.updates["default"],
                        "server_cpu": time.process_time() - cpu,
                        "load_cpu_ms": load_cpu * 1000 / count,
                    }
                    results.append(figures)
                    first += count
    finally:
        server.stdin.close()
        await server.stdout.read()
        await server.wait()
    return results


def main() -> None:
    """Print a markdown table."""
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        url, secret, first, count, rate, at_once = sys.argv[2:8]
        asyncio.run(load(url, secret, int(first), int(count), float(rate), int(at_once)))
        return
    logging.basicConfig(level=logging.ERROR)
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rate = float(args[0]) if args else 1000.0
    seconds = float(args[1]) if len(args) > 1 else 10.0
    if "--uvloop" in sys.argv:  # the bot process on uvloop's event loop (pip install uvloop)
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    results = asyncio.run(bench(rate, seconds, "--profile" in sys.argv))
    print(f"Machine: {os.cpu_count()} CPUs; load: {os.getloadavg()[0]:.2f}")
    print(
        "| run | updates | accepted/s | p50 / p99 / max ms | unfinished after the last POST, "
        "finished in (handled/s) | handler CPU per update | bot CPU s (per update while posting) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in results:
        ok = r["statuses"].get("200", 0)
        print(
            f"| {r['name']} | {r['sent']} ({ok} × 200) | {ok / r['seconds']:.0f} "
            f"| {r['p50_ms']:.1f} / {r['p99_ms']:.1f} / {r['max_ms']:.1f} "
            f"| {r['backlog']}, {r['drain_s'] * 1000:.0f} ms "
            f"({r['backlog'] / max(r['drain_s'], 1e-3):.0f}/s) "
            f"| {r['drain_cpu_ms']:.2f} ms "
            f"| {r['server_cpu']:.1f} ({r['load_cpu_ms']:.2f} ms) |"
        )
    print(f"handled by the bot in all: {results[-1]['handled']}")


if __name__ == "__main__":
    main()
