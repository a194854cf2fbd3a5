"""Webhook benchmark (not a test): how many updates/s the web server accepts, and do handlers keep up?

This process runs the real bot in webhook mode (bot/web/server.py, SQLite) with the simulated
Telegram in its own process (bench/fake_server.py). The load comes from a SEPARATE process (this
script with `--load`, an aiohttp client on 127.0.0.1) posting updates as Telegram would, with the
secret header: text messages in a group chat from many different people, which the bot reads
(the middleware looks the sender up in the database) and leaves unanswered, so the figures are
not capped by the 30 messages/s send budget.
1. Fixed rate: `rate` updates/s for `seconds` s; latency p50/p99/max of every POST, and how long
   after the last POST the handlers had worked through the queue.
2. The same with the handlers held (a first handler waits): the web server's side alone; then
   the handlers are let go and the drain time gives their own throughput.
3. Flat out: 64 requests at a time; accepted updates/s.
Run: scripts/bench  (or python bench/bench_webhook.py [rate] [seconds])
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


def update(update_id: int) -> dict[str, Any]:
    """A group message from one of 500 people."""
    user = {
        "id": 50_000 + update_id % 500,
        "is_bot": False,
        "first_name": "P",
        "language_code": "nl",
    }
    chat = {"id": -100_777, "type": "group", "title": "Ouders 1A"}
    text = "Tot morgen!"
    message = {"message_id": update_id, "from": user, "chat": chat, "date": 1_790_000_000}
    return {"update_id": update_id, "message": {**message, "text": text}}


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


async def bench(rate: float, seconds: float) -> list[dict[str, Any]]:
    """Both runs against one server."""
    from telegram import Update
    from telegram.ext import TypeHandler

    from bot.app import build_application
    from bot.migrate import upgrade_async
    from bot.settings import load_settings
    from bot.web.server import METRICS, web_side
    from bot.web.webhook import load_webhook_secret, school_secret

    server = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "fake_server.py"), "--token", TOKEN, "--users", "1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
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
                url = f"{web.local_url}/telegram/default"
                secret = school_secret(load_webhook_secret(settings), "default")
                metrics = web.web_app[METRICS]
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
                    cpu = time.process_time()
                    figures = await run_load(url, secret, first, count, pace, at_once)
                    done_posting = time.perf_counter()
                    load_cpu = time.process_time() - cpu
                    backlog = app.update_queue.qsize()
                    hold.set()
                    await app.update_queue.join()
                    figures |= {
                        "name": name,
                        "drain_s": time.perf_counter() - done_posting,
                        "backlog": backlog,
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
    rate = float(sys.argv[1]) if len(sys.argv) > 1 else 1000.0
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    results = asyncio.run(bench(rate, seconds))
    print(f"Machine: {os.cpu_count()} CPUs; load: {os.getloadavg()[0]:.2f}")
    print(
        "| run | updates | accepted/s | p50 / p99 / max ms | queue after the last POST, "
        "drained in (handled/s) | server CPU s (per update while posting) |"
    )
    print("|---|---|---|---|---|---|")
    for r in results:
        ok = r["statuses"].get("200", 0)
        print(
            f"| {r['name']} | {r['sent']} ({ok} × 200) | {ok / r['seconds']:.0f} "
            f"| {r['p50_ms']:.1f} / {r['p99_ms']:.1f} / {r['max_ms']:.1f} "
            f"| {r['backlog']}, {r['drain_s'] * 1000:.0f} ms "
            f"({r['backlog'] / max(r['drain_s'], 1e-3):.0f}/s) "
            f"| {r['server_cpu']:.1f} ({r['load_cpu_ms']:.2f} ms) |"
        )
    print(f"handled by the bot in all: {results[-1]['handled']}")


if __name__ == "__main__":
    main()
