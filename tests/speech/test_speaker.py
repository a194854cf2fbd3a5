"""The Speaker: texts become Telegram voice notes (OGG/Opus) with real engines, cached, off the loop.

Piper runs a tiny real voice built by tests/helpers/piper_voice.py (its phonemes come from the
espeak-ng data Piper ships); espeak-ng is Debian's program (tests marked `espeak`).
"""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path

import av
import numpy as np
import pytest

from bot.speech import MAX_SPOKEN_CHARS, Speaker, decode_audio, text_hash
from bot.speech.audio import ogg_duration
from tests.helpers.piper_voice import write_tiny_voice

DUTCH = "Morgen is er geen school. De kinderen blijven thuis."


@pytest.fixture
def voices(tmp_path: Path) -> Path:
    folder = tmp_path / "voices"
    write_tiny_voice(folder, "nl_BE-tiny-x_low", language="nl", espeak_voice="nl")
    return folder


async def started(voices: Path, cache: Path | None, **options: object) -> Speaker:
    speaker = Speaker(voices_dir=voices, cache_dir=cache, **options)  # type: ignore[arg-type]
    await speaker.start()
    return speaker


def opus_stream(ogg: bytes) -> tuple[str, str, int, int]:
    """(container, codec, sample rate, channels) as PyAV reads them."""
    with av.open(io.BytesIO(ogg)) as container:
        stream = container.streams.audio[0]
        return container.format.name, stream.codec_context.name, stream.rate, stream.channels


async def test_a_piper_voice_speaks_dutch_as_a_telegram_voice_note(
    voices: Path, tmp_path: Path
) -> None:
    speaker = await started(voices, tmp_path / "cache", espeak="off")
    try:
        assert speaker.can_speak("nl") and speaker.voice_for("nl") == "piper:nl_BE-tiny-x_low"
        speech = await speaker.speak(DUTCH, language="nl")
        other = await speaker.speak("Hallo allemaal.", language="nl")
    finally:
        await speaker.close()
    assert speech is not None and other is not None
    assert speech.ogg[:4] == b"OggS" and opus_stream(speech.ogg) == ("ogg", "opus", 48000, 1)
    assert speech.voice == "piper:nl_BE-tiny-x_low" and speech.language == "nl"
    assert speech.duration >= 1 and speech.duration == ogg_duration(speech.ogg)
    heard = decode_audio(speech.ogg)
    assert heard.dtype == np.float32 and np.abs(heard).max() > 0.1  # a sound, not silence
    assert len(decode_audio(other.ogg)) < len(heard)  # another text, another sound
    assert other.ogg != speech.ogg and other.key != speech.key


@pytest.mark.espeak
async def test_espeak_ng_speaks_bulgarian_where_no_piper_voice_is_installed(
    voices: Path, tmp_path: Path
) -> None:
    speaker = await started(voices, tmp_path / "cache")
    try:
        assert speaker.voice_for("nl") == "piper:nl_BE-tiny-x_low"  # Piper first
        assert speaker.voice_for("bg") == "espeak-ng:bg"
        speech = await speaker.speak("Утре няма училище.", language="bg")
        arabic = await speaker.speak("غدا لا توجد مدرسة", language="ar")
    finally:
        await speaker.close()
    assert speech is not None and speech.voice == "espeak-ng:bg"
    assert opus_stream(speech.ogg)[:2] == ("ogg", "opus") and speech.duration >= 1
    assert np.abs(decode_audio(speech.ogg)).max() > 0.1
    assert arabic is not None and arabic.voice == "espeak-ng:ar"


@pytest.mark.espeak
async def test_the_espeak_setting_prefers_or_forbids_it(voices: Path) -> None:
    prefer = await started(voices, None, espeak="prefer")
    off = await started(voices, None, espeak="off")
    assert prefer.voice_for("nl") == "espeak-ng:nl"
    assert off.voice_for("nl") == "piper:nl_BE-tiny-x_low" and not off.can_speak("bg")


async def test_a_language_without_any_voice_gets_no_audio(voices: Path) -> None:
    speaker = await started(voices, None)
    try:
        for language in ("so", "ti", "ps"):  # neither Piper nor espeak-ng 1.51 has a voice
            assert not speaker.can_speak(language) and speaker.voice_for(language) is None
            assert await speaker.speak("Berri dugsi ma jiro.", language=language) is None
        assert await speaker.speak("   ", language="nl") is None
    finally:
        await speaker.close()


async def test_the_same_text_is_synthesised_once_then_read_from_the_cache(
    voices: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    speaker = await started(voices, cache, espeak="off")
    first = await speaker.speak(DUTCH, language="nl")
    again = await speaker.speak(DUTCH, language="nl")
    await speaker.close()
    assert speaker.stats.performed == 1 and speaker.stats.cache_hits == 1
    assert first is not None and again == first
    assert [p.name for p in cache.iterdir()] == [f"{text_hash(DUTCH)}-{first.key}.ogg"]
    restarted = await started(voices, cache, espeak="off")  # after a restart: from the disk
    assert await restarted.speak(DUTCH, language="nl") == first
    assert restarted.stats.performed == 0
    await restarted.close()


async def test_personal_texts_leave_no_file(voices: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    speaker = await started(voices, cache, espeak="off")
    speech = await speaker.speak("Nour was ziek op maandag.", language="nl", cache=False)
    again = await speaker.speak("Nour was ziek op maandag.", language="nl", cache=False)
    await speaker.close()
    assert speech is not None and again is not None
    assert speaker.stats.performed == 2 and list(cache.iterdir()) == []


async def test_forget_removes_a_texts_audio_in_every_language(voices: Path, tmp_path: Path) -> None:
    write_tiny_voice(voices, "fr_FR-tiny-x_low", language="fr", espeak_voice="fr", region="FR")
    cache = tmp_path / "cache"
    speaker = await started(voices, cache, espeak="off")
    for language in ("nl", "fr"):
        await speaker.speak(DUTCH, language=language)
    await speaker.speak("Tot morgen.", language="nl")
    assert len(list(cache.iterdir())) == 3
    speaker.forget(DUTCH)
    assert len(list(cache.iterdir())) == 1
    assert speaker.forget_sources({text_hash("Tot morgen.")}) == 1
    assert list(cache.iterdir()) == []
    await speaker.speak(DUTCH, language="nl")
    await speaker.close()
    assert speaker.stats.performed == 4  # made again, not found


async def test_a_translations_audio_goes_with_its_original(voices: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    speaker = await started(voices, cache, espeak="off")
    await speaker.speak("Demain pas d'école.", language="nl", source="Morgen geen school.")
    assert speaker.forget_sources({text_hash("Morgen geen school.")}) == 1
    await speaker.close()
    assert list(cache.iterdir()) == []


async def test_concurrent_identical_requests_share_one_synthesis(
    voices: Path, tmp_path: Path
) -> None:
    speaker = await started(voices, tmp_path / "cache", espeak="off")
    results = await asyncio.gather(*(speaker.speak(DUTCH, language="nl") for _ in range(8)))
    await speaker.close()
    assert speaker.stats.performed == 1 and speaker.stats.joined == 7
    assert len({r.key for r in results if r is not None}) == 1 and None not in results


async def test_the_oldest_audio_goes_when_the_cache_is_full(voices: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    probe = await started(voices, None, espeak="off")
    size = len((await probe.speak("Eerste bericht.", language="nl")).ogg)  # type: ignore[union-attr]
    speaker = await started(voices, cache, espeak="off", cache_bytes=int(size * 2.5))
    texts = ["Eerste bericht.", "Tweede bericht.", "Derde bericht."]
    for text in texts:
        await speaker.speak(text, language="nl")
    await speaker.close()
    kept = {p.name.split("-", 1)[0] for p in cache.iterdir()}
    assert text_hash(texts[0]) not in kept and text_hash(texts[2]) in kept


async def test_a_long_text_is_spoken_up_to_a_sentence_and_says_so(voices: Path) -> None:
    speaker = await started(voices, None, espeak="off")
    long_text = "De juf leest voor. " * 200
    speech = await speaker.speak(long_text, language="nl")
    head = long_text[: long_text.rindex(". ", 0, MAX_SPOKEN_CHARS) + 1]
    short = await speaker.speak(head, language="nl")
    await speaker.close()
    assert speech is not None and speech.cut and short is not None and not short.cut
    assert len(long_text) > MAX_SPOKEN_CHARS >= len(head)
    assert np.array_equal(decode_audio(speech.ogg), decode_audio(short.ogg))  # what fits


async def test_the_event_loop_stays_responsive_while_a_voice_speaks(
    voices: Path, tmp_path: Path
) -> None:
    speaker = await started(voices, tmp_path / "cache", espeak="off")
    loop = asyncio.get_running_loop()
    talk = asyncio.ensure_future(speaker.speak("Een lange brief. " * 110, language="nl"))
    lags: list[float] = []
    while not talk.done():  # each turn: how long the loop took to run a callback asked now
        tick: asyncio.Future[None] = loop.create_future()
        asked = time.perf_counter()
        loop.call_soon(tick.set_result, None)
        await tick
        lags.append(time.perf_counter() - asked)
    speech = await talk
    await speaker.close()
    assert speech is not None and speech.duration > 10
    assert len(lags) > 20  # the loop kept turning during synthesis
    assert max(lags) < 0.05, f"loop lag {max(lags) * 1000:.1f} ms"
