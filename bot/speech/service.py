"""The Speaker: a text -> a Telegram voice note in a language, cached, single-flight, off the loop.

One Speaker per process (bot/shared.py), used by every school's bot as `BotData.speaker`.
Per language the first engine with a voice speaks: Piper, then espeak-ng ("fallback", the
default), espeak-ng first ("prefer") or never ("off"): OUDERBRUG_ESPEAK.

Audio is cached on disk as `<cache>/<source hash>-<key>.ogg`: the source hash is the sha256 of
the text alone (of its original when `source=` names it), as `translation_cache.source_hash`, so /forget and retention remove a
text's audio in every language with `forget_sources`; the key is the sha256 of (text, language,
voice). The oldest files go first beyond the size cap. Texts longer than MAX_SPOKEN_CHARS are
read up to the last sentence or word that fits (`Speech.cut` says so).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.settings import Settings
from bot.core.singleflight import SingleFlight
from bot.speech.audio import AudioError, ogg_duration, to_ogg_opus
from bot.speech.catalog import PREFERRED
from bot.speech.engines import EspeakEngine, PiperEngine, SpeechEngine, SpeechError, Voice

log = logging.getLogger(__name__)

MAX_SPOKEN_CHARS = 2000  # about two minutes of speech
ESPEAK_MODES = ("fallback", "prefer", "off")


@dataclass(frozen=True)
class Speech:
    """One voice note, ready for sendVoice."""

    ogg: bytes  # OGG/Opus
    duration: int  # whole seconds, >= 1
    voice: str  # "piper:nl_BE-nathalie-medium", "espeak-ng:ar"
    language: str
    key: str  # sha256 of (text, language, voice)
    cut: bool = False  # the text was longer than MAX_SPOKEN_CHARS: only its start is spoken


@dataclass
class SpeakerStats:
    """How much work was done and saved."""

    performed: int = 0
    cache_hits: int = 0
    joined: int = 0
    failures: int = 0


def text_hash(text: str) -> str:
    """The sha256 of a text alone (= translation_cache.source_hash)."""
    return hashlib.sha256(text.encode()).hexdigest()


def speech_key(text: str, language: str, voice: str) -> str:
    """The cache key of a text spoken in a language by a voice."""
    return hashlib.sha256("\x1e".join((language, voice, text)).encode()).hexdigest()


def clip(text: str, limit: int = MAX_SPOKEN_CHARS) -> tuple[str, bool]:
    """The text to speak, at most `limit` characters: cut after a sentence, else a word."""
    text = text.strip()
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    for mark in (". ", "! ", "? ", "\n", "。", "؟ ", "። "):
        end = head.rfind(mark)
        if end > limit // 2:
            return head[: end + len(mark)].strip(), True
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).strip(), True


def default_engines(voices_dir: Path, espeak: str) -> list[SpeechEngine]:
    """The engines in the order they are asked, per OUDERBRUG_ESPEAK."""
    if espeak not in ESPEAK_MODES:
        raise ValueError(f"espeak must be one of {ESPEAK_MODES}")
    piper: SpeechEngine = PiperEngine(voices_dir)
    if espeak == "off":
        return [piper]
    return [EspeakEngine(), piper] if espeak == "prefer" else [piper, EspeakEngine()]


@dataclass
class Speaker:
    """Speak texts with installed voices, never on the event loop."""

    voices_dir: Path
    cache_dir: Path | None = None
    espeak: str = "fallback"
    max_workers: int = 1
    cache_bytes: int = 200 * 1024 * 1024
    engines: Sequence[SpeechEngine] = ()
    stats: SpeakerStats = field(default_factory=SpeakerStats)

    def __post_init__(self) -> None:
        if not self.engines:
            self.engines = default_engines(self.voices_dir, self.espeak)
        self._executor: ThreadPoolExecutor | None = None
        self._voices: dict[str, Voice] = {}
        self._inflight: SingleFlight[Speech | None] = SingleFlight()
        self._cache_size = 0

    async def start(self) -> None:
        """Open the worker threads and find the voices (asking espeak-ng runs a program)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.max_workers, thread_name_prefix="speak")
        await asyncio.get_running_loop().run_in_executor(self._executor, self._start_work)

    def _start_work(self) -> None:
        self.reload()
        if self.cache_dir is not None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            self._cache_size = sum(p.stat().st_size for p in self.cache_dir.glob("*.ogg"))

    async def close(self) -> None:
        """Stop the worker threads."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def reload(self) -> None:
        """Find the voices again (after `ouderbrug voices install/remove`)."""
        chosen: dict[str, Voice] = {}
        for engine in self.engines:
            if isinstance(engine, PiperEngine):
                engine.unload()
            for voice in sorted(engine.voices(), key=lambda v: (v.name not in PREFERRED, v.name)):
                chosen.setdefault(voice.language, voice)
        self._voices = chosen

    def voices(self) -> dict[str, Voice]:
        """The voice each language is spoken with."""
        return dict(self._voices)

    def voice_names(self) -> dict[str, str]:
        """Each language spoken and the voice that speaks it."""
        return {language: voice.name for language, voice in self._voices.items()}

    def can_speak(self, language: str) -> bool:
        """Whether some voice speaks this language."""
        return language in self._voices

    def voice_for(self, language: str) -> str | None:
        """The voice that would speak this language ("piper:...", "espeak-ng:..."), or None."""
        voice = self._voices.get(language)
        return voice.name if voice else None

    async def speak(
        self, text: str, *, language: str, cache: bool = True, source: str | None = None
    ) -> Speech | None:
        """The text as a voice note; None without a voice for the language or when synthesis
        failed (logged). `cache=False`: nothing kept, on disk or in memory (personal texts).
        `source`: the original of a translated text, so that forgetting the original (/forget,
        retention: `forget_sources`) also removes this audio; by default the text itself."""
        voice = self._voices.get(language)
        if voice is None or not text.strip():
            return None
        key = speech_key(text, language, voice.name)
        if not cache:
            return await self._run(self._make, text, voice, key)
        work = functools.partial(self._cached_or_new, origin=source or text)
        return await self._inflight.run(
            key, lambda: self._run(work, text, voice, key), joined=self._joined
        )

    def _joined(self) -> None:
        """Count a request that waited for an identical one instead of doing the work again."""
        self.stats.joined += 1

    async def _run(self, work: object, text: str, voice: Voice, key: str) -> Speech | None:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, work, text, voice, key)  # type: ignore[arg-type]
        except (SpeechError, AudioError, OSError) as err:
            log.warning("could not speak a text in %s with %s: %s", voice.language, voice.name, err)
            self.stats.failures += 1
            return None

    def _make(self, text: str, voice: Voice, key: str) -> Speech:
        """Synthesise and encode (in a worker thread)."""
        spoken, cut = clip(text)
        engine = next(e for e in self.engines if e.name == voice.engine)
        pcm, rate = engine.synthesize(spoken, voice)
        if pcm.size == 0:
            raise SpeechError(f"{voice.name} made no sound")
        ogg, duration = to_ogg_opus(pcm, rate)
        self.stats.performed += 1
        return Speech(ogg, duration, voice.name, voice.language, key, cut)

    def _cached_or_new(self, text: str, voice: Voice, key: str, *, origin: str) -> Speech:
        """From the disk cache, else made and stored (in a worker thread)."""
        path = self._path(origin, key)
        if path is not None and path.is_file():
            ogg = path.read_bytes()
            os.utime(path)  # recently used: the last to go
            self.stats.cache_hits += 1
            cut = len(text.strip()) > MAX_SPOKEN_CHARS
            return Speech(ogg, ogg_duration(ogg), voice.name, voice.language, key, cut)
        speech = self._make(text, voice, key)
        if path is not None and len(speech.ogg) <= self.cache_bytes:
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(speech.ogg)
            temporary.replace(path)
            self._cache_size += len(speech.ogg)
            self._trim()
        return speech

    def _path(self, text: str, key: str) -> Path | None:
        if self.cache_dir is None or self.cache_bytes <= 0:
            return None
        return self.cache_dir / f"{text_hash(text)}-{key}.ogg"

    def _trim(self) -> None:
        """Oldest used files out until the cache is back under its cap."""
        if self.cache_dir is None or self._cache_size <= self.cache_bytes:
            return
        files = sorted(self.cache_dir.glob("*.ogg"), key=lambda p: p.stat().st_mtime)
        self._cache_size = sum(p.stat().st_size for p in files)
        for path in files:
            if self._cache_size <= self.cache_bytes * 0.9:
                break
            size = path.stat().st_size
            path.unlink(missing_ok=True)
            self._cache_size -= size

    def forget(self, text: str) -> None:
        """Drop the cached audio of a text, in every language and voice."""
        self.forget_sources({text_hash(text)})

    def forget_sources(self, hashes: set[str]) -> int:
        """Drop the cached audio of the texts with these hashes (as /forget and retention hold
        them: `Erased.sources`); how many files went."""
        if self.cache_dir is None or not hashes or not self.cache_dir.is_dir():
            return 0
        gone = 0
        with os.scandir(self.cache_dir) as entries:
            for entry in entries:
                if entry.name.endswith(".ogg") and entry.name.split("-", 1)[0] in hashes:
                    self._cache_size -= entry.stat().st_size
                    os.unlink(entry.path)
                    gone += 1
        return gone


def make_speaker(settings: Settings) -> Speaker | None:
    """The process's Speaker from the settings (None when OUDERBRUG_READ_ALOUD=false); call
    `await speaker.start()` before use."""
    if not settings.read_aloud:
        return None
    return Speaker(
        voices_dir=voices_folder(settings),
        cache_dir=Path(settings.data_dir) / "cache" / "speech",
        espeak=settings.espeak,
        max_workers=settings.speech_threads,
        cache_bytes=settings.speech_cache_mb * 1024 * 1024,
    )


def voices_folder(settings: Settings) -> Path:
    """Where Piper voices are installed: `<models folder>/voices`."""
    return Path(settings.models_data_dir) / "voices"
