"""Translation benchmarks (not tests): event-loop lag, cache effect, service overhead.

Uses the tiny real argostranslate models the test suite builds (tests/helpers/argos_model.py).
Run: scripts/bench  (or python bench/bench_translation.py)
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.translation import Translator  # noqa: E402
from bot.translation.manage import install_from_dir  # noqa: E402
from bot.translation.textproc import split_sentences  # noqa: E402
from tests.helpers.argos_model import build_marker_model  # noqa: E402

LANGUAGES = ["en", "ar", "tr", "pl", "ro", "uk", "bg", "fr"]
SENTENCE = "Beste ouders, morgen gaan we met de klas naar het bos en we komen terug om drie uur. "
ANNOUNCEMENT = (SENTENCE * 12)[:1000]


async def event_loop_lag(translator: Translator) -> tuple[float, float]:
    """p50/p99 lateness (ms) of a 5 ms ticker while 8 languages translate the announcement."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append((time.perf_counter() - start - 0.005) * 1000)

    tick = asyncio.create_task(ticker())
    for round_ in range(20):
        text = f"{ANNOUNCEMENT} Ronde {round_}."
        await asyncio.gather(
            *(translator.translate(text, source="nl", target=lang) for lang in LANGUAGES)
        )
    stop.set()
    await tick
    lags.sort()
    return statistics.median(lags), lags[int(len(lags) * 0.99) - 1]


async def broadcast(translator: Translator) -> int:
    """Translations performed for 1,000 parents in 8 languages."""
    before = translator.stats.performed
    await asyncio.gather(
        *(
            translator.translate_for(
                "Broadcast: " + ANNOUNCEMENT, source="nl", languages=[LANGUAGES[i % 8], "nl"]
            )
            for i in range(1000)
        )
    )
    return translator.stats.performed - before


async def overhead(translator: Translator, rounds: int = 200) -> tuple[float, float]:
    """Mean ms per text: argostranslate called directly vs through the service (no cache hits)."""
    from argostranslate import translate

    direct_translation = translate.get_translation_from_codes("nl", "en")

    class Splitter:  # the same offline splitter, so argostranslate does not try to download one
        def split_sentences(self, text: str) -> list[str]:
            return split_sentences(text)

    for cached in translate.installed_translates:
        cached.cached_translation.underlying.sentencizer = Splitter()
    texts = [f"{ANNOUNCEMENT} Nummer {i}." for i in range(rounds)]
    start = time.perf_counter()
    for text in texts:
        direct_translation.translate(text)
    direct = (time.perf_counter() - start) / rounds * 1000
    start = time.perf_counter()
    for text in texts:
        await translator.translate("Service " + text, source="nl", target="en")
    service = (time.perf_counter() - start) / rounds * 1000
    return direct, service


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "models"
        models.mkdir()
        for pair in [("nl", "fr")] + [("en", c) for c in LANGUAGES if c not in ("en", "fr")]:
            build_marker_model(models, *pair)
        # nl>en has the size of a real Argos Transformer (6+6 layers, d_model 512).
        build_marker_model(models, "nl", "en", d_model=512, layers=6)
        install_from_dir(Path(tmp) / "data", models)
        translator = Translator(
            data_dir=Path(tmp) / "data", glossary_dir=ROOT / "locales" / "glossary"
        )
        await translator.start()
        try:
            p50, p99 = await event_loop_lag(translator)
            performed = await broadcast(translator)
            direct, service = await overhead(translator)
        finally:
            await translator.close()
    print("| measure | value | target |")
    print("|---|---|---|")
    print(
        f"| event-loop lag while 8 languages translate 1,000 chars, p50 / p99 | {p50:.2f} / {p99:.2f} ms | p99 < 50 ms |"
    )
    print(f"| translations for 1,000 parents in 8 languages | {performed} | 8 |")
    print(
        f"| argostranslate direct vs service, per 1,000-char text (tiny model) | {direct:.2f} ms vs {service:.2f} ms ({(service / direct - 1) * 100:+.0f}%) | within 10% |"
    )


if __name__ == "__main__":
    asyncio.run(main())
