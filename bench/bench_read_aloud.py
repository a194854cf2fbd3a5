"""Read-aloud benchmark (not a test): a 500-parent broadcast in 8 languages, half of them with
read-aloud, through the fake Bot API server in its own process (limited like Telegram: 30/s,
1/s per chat).

Run twice on the same outbox: without read-aloud, and with it for every second parent. Measured:
- the text copies' rate (first to last text copy sent, from the rows' sent_at): must stay within
  5% of the run without read-aloud, as voice copies only start once the texts are out;
- how often audio was synthesised (once per language: 8) and how many voice copies went out;
- the event loop's lateness (a 5 ms ticker in the bot's process), p50/p99, while the texts go
  out and while the voices are synthesised (espeak-ng, Debian's program, in worker threads) and
  sent: p99 must stay under 50 ms.
Translation: the tiny real argostranslate models the test suite builds (tests/helpers/).
Run: scripts/bench  (or python bench/bench_read_aloud.py [parents])
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_delivery  # noqa: E402
from sqlalchemy import text, update  # noqa: E402
from sqlmodel import func, select  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.core.db import create_engine  # noqa: E402
from bot.core.settings import load_settings  # noqa: E402
from bot.models import Delivery, DeliveryStatus, Member  # noqa: E402
from bot.runtime import running  # noqa: E402
from bot.translation.manage import install_from_dir  # noqa: E402
from tests.helpers.argos_model import build_marker_model  # noqa: E402

TOKEN = bench_delivery.TOKEN
LANGUAGES = ["nl", "ar", "tr", "pl", "ro", "fr", "uk", "bg"]  # espeak-ng speaks all eight
bench_delivery.LANGUAGES = LANGUAGES


class Ticker:
    """How late a 5 ms sleep wakes up, with the moment of each measure."""

    def __init__(self) -> None:
        self.lags: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.lags.append((now, (now - start - 0.005) * 1000))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()

    def between(self, start: float, end: float) -> tuple[float, float]:
        """p50 and p99 lateness (ms) measured between two moments."""
        lags = sorted(lag for at, lag in self.lags if start <= at <= end) or [0.0]
        return statistics.median(lags), lags[min(len(lags) - 1, int(len(lags) * 0.99))]


async def read_aloud_for_half(url: str) -> int:
    """Half the parents of each language asked for read-aloud (every other round of the 8
    languages the parents were given in turn): their outbox rows want a voice."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            update(Member)
            .where(text("role = 'parent' AND ((id - 2) / 8) % 2 = 0"))
            .values(read_aloud=True)
        )
        done = await conn.execute(
            update(Delivery).where(text("((member_id - 2) / 8) % 2 = 0")).values(voice="wanted")
        )
    await engine.dispose()
    return int(done.rowcount)


async def count(sessions: object, *where: object) -> int:
    async with sessions() as session:  # type: ignore[operator]
        return int(
            (await session.exec(select(func.count()).select_from(Delivery).where(*where))).one()
        )


async def broadcast(parents: int, models: Path, *, voices: bool) -> dict[str, float]:
    """Start the bot on a full outbox; time the texts, then the voices."""
    server = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "fake_server.py"), "--token", TOKEN,
        "--users", str(parents), "--limit", "30",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert server.stdout is not None and server.stdin is not None
    base = (await server.stdout.readline()).decode().strip()
    figures: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await bench_delivery.seed(url, parents)
            wanted = await read_aloud_for_half(url) if voices else 0
            settings = load_settings(
                env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base,
                DATABASE_URL=url, OUDERBRUG_DATA_DIR=tmp, OUDERBRUG_ESPEAK="fallback",
            )  # fmt: skip
            install_from_dir(settings.models_data_dir, models)
            ticker = Ticker()
            async with running(build_application(settings), poll_timeout=1) as app:
                ticker.start()
                sessions, started = app.bot_data.sessions, time.perf_counter()
                await app.bot_data.sender.idle.wait()  # type: ignore[union-attr]  # texts out
                texts_done = time.perf_counter()
                if voices:  # the text sender woke the voices as it went idle
                    await app.bot_data.voices.idle.wait()  # type: ignore[union-attr]
                voices_done = time.perf_counter()
                ticker.stop()
                async with sessions() as session:
                    first, last = (
                        await session.exec(
                            select(func.min(Delivery.sent_at), func.max(Delivery.sent_at))
                        )
                    ).one()
                speaker = app.bot_data.speaker
                sent = Delivery.status == DeliveryStatus.SENT
                figures = {
                    "text_rate": (parents - 1) / (last - first).total_seconds(),
                    "texts_failed": parents - await count(sessions, sent),
                    "text_seconds": texts_done - started,
                    "voice_seconds": voices_done - texts_done,
                    "wanted": float(wanted),
                    "voices_sent": await count(sessions, Delivery.voice == "sent"),
                    "voices_failed": await count(sessions, Delivery.voice == "failed"),
                    "synthesised": float(speaker.stats.performed if speaker else 0),
                    "languages": float(len(speaker.voices()) if speaker else 0),
                }
                figures["text_p50"], figures["text_p99"] = ticker.between(started, texts_done)
                if voices:
                    lag = ticker.between(texts_done, voices_done)
                    figures["voice_p50"], figures["voice_p99"] = lag
    finally:
        server.stdin.close()
        summary = json.loads((await server.stdout.readline()).decode() or "{}")
        await server.wait()
    return {**figures, **summary}


async def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    parents = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp)
        for source, target in [("nl", "en")] + [("en", c) for c in LANGUAGES if c != "nl"]:
            build_marker_model(models, source, target)
        plain = await broadcast(parents, models, voices=False)
        voiced = await broadcast(parents, models, voices=True)
    change = (voiced["text_rate"] - plain["text_rate"]) / plain["text_rate"] * 100
    cpus = os.cpu_count()
    print(f"machine: {platform.machine()}, {cpus} CPUs, load {os.getloadavg()[0]:.1f}")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(
        f"| {parents} parents in 8 languages, server limited to 30/s and 1/s per chat: text copies without read-aloud | {plain['text_rate']:.1f} msg/s ({plain['texts_failed']:.0f} failed) | |"
    )
    print(
        f"| same, half of them with read-aloud: text copies | {voiced['text_rate']:.1f} msg/s ({change:+.1f}%, {voiced['texts_failed']:.0f} failed) | within 5% |"
    )
    print(
        f"| voice copies sent / wanted (failed) | {voiced['voices_sent']:.0f} / {voiced['wanted']:.0f} ({voiced['voices_failed']:.0f}) | all |"
    )
    print(
        f"| audio synthesised (espeak-ng, 8 languages) | {voiced['synthesised']:.0f} times | once per language: 8 |"
    )
    print(f"| voice copies after the last text copy | {voiced['voice_seconds']:.1f} s | |")
    print(
        f"| event-loop lateness p50 / p99 while the texts go out | {voiced['text_p50']:.1f} / {voiced['text_p99']:.1f} ms | p99 < 50 ms |"
    )
    print(
        f"| event-loop lateness p50 / p99 while voices are synthesised and sent | {voiced['voice_p50']:.1f} / {voiced['voice_p99']:.1f} ms | p99 < 50 ms |"
    )
    print(
        f"| 429 answers / all requests (with read-aloud) | {voiced['too_many']:.0f} / {voiced['requests']:.0f} | |"
    )


if __name__ == "__main__":
    asyncio.run(main())
