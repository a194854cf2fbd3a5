"""Transcription benchmark (not a test): the event loop stays responsive while voice notes are
transcribed (issue 19: event-loop lag p99 < 50 ms during synthesis and transcription).

Twenty 15-second voice notes (OGG/Opus, as phones send them) arrive at once and go through the
product's `Transcriber` (faster-whisper on CTranslate2, in worker threads, one at a time), while a
5 ms ticker in the same event loop measures how late it wakes up. The model is the tiny real
Whisper model the test suite builds (tests/helpers/whisper_model.py): decoding, feature
extraction and the CTranslate2 calls are the real path, but a real whisper-small model needs far
more CPU per note (its time per note is not measured here, only that the loop is not blocked).
Run: scripts/bench  (or python bench/bench_transcription.py [notes])
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.transcription import Transcriber, whisper_dir  # noqa: E402
from tests.helpers.whisper_model import build_whisper_model, real_voice  # noqa: E402


async def ticker(lateness: list[float], stop: asyncio.Event, every: float = 0.005) -> None:
    """Wake every `every` seconds and note how late each wake-up was."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        due = loop.time() + every
        await asyncio.sleep(every)
        lateness.append(max(0.0, loop.time() - due))


async def main(notes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        build_whisper_model(whisper_dir(Path(tmp)) / "whisper-small")
        transcriber = Transcriber(Path(tmp))
        audio = real_voice(15)
        await transcriber.transcribe(audio, language="tr")  # load the model once
        lateness: list[float] = []
        stop = asyncio.Event()
        tick = asyncio.create_task(ticker(lateness, stop))
        started = time.perf_counter()
        done = await asyncio.gather(
            *(transcriber.transcribe(audio, language="tr") for _ in range(notes))
        )
        elapsed = time.perf_counter() - started
        stop.set()
        await tick
    ms = sorted(x * 1000 for x in lateness)
    p99 = ms[int(len(ms) * 0.99) - 1]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print("| measure | value |\n|---|---|")
    print(f"| voice notes transcribed | {sum(1 for d in done if d is not None)} / {notes} |")
    print(f"| time per note (tiny model, 15 s of audio) | {elapsed / notes * 1000:.0f} ms |")
    print(f"| event-loop lateness p50 / p99 / max | {statistics.median(ms):.1f} / {p99:.1f} / "
          f"{ms[-1]:.1f} ms |")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
