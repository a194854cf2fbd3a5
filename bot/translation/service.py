"""The Translator service: cached, single-flight, off the event loop, with language fallback."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import select

from bot.core.clock import Clock, SystemClock
from bot.core.db import SessionFactory
from bot.core.singleflight import SingleFlight
from bot.models import ReviewedTranslation, TranslationCache
from bot.translation.engine import ArgosEngine, EngineError
from bot.translation.glossary import Glossaries
from bot.translation.routes import Route, Router
from bot.translation.textproc import Masked, mask, split_sentences

log = logging.getLogger(__name__)
MEMORY_CACHE = 4096


def source_hash(text: str) -> str:
    """The hash of a source text alone, stored beside its cached translations to delete them."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TranslationResult:
    """A text as delivered: in which language, whether machine-made, through which languages."""

    text: str
    source: str
    target: str
    machine: bool
    fallback: bool = False
    path: tuple[str, ...] = ()
    cached: bool = False
    reviewed: bool = False  # checked by a person the school trusts (bot/reviews/)


@dataclass
class TranslatorStats:
    """How much work was done and saved."""

    performed: int = 0
    cache_hits: int = 0
    joined: int = 0
    failures: int = 0


@dataclass
class Translator:
    """Translate with installed argostranslate models, never on the event loop."""

    data_dir: Path
    glossary_dir: Path
    sessions: SessionFactory | None = None
    clock: Clock = field(default_factory=SystemClock)
    max_workers: int = 2
    stats: TranslatorStats = field(default_factory=TranslatorStats)

    def __post_init__(self) -> None:
        self.engine = ArgosEngine(self.data_dir, threads=1)
        self.router = Router(self.data_dir, self.engine)  # + direct and many-to-many models
        self.glossaries = Glossaries.load(self.glossary_dir)
        self._executor: ThreadPoolExecutor | None = None
        self._memory: dict[str, TranslationResult] = {}
        self._sources: dict[str, str] = {}  # memory key -> source_hash, to forget a text
        self._inflight: SingleFlight[TranslationResult] = SingleFlight()

    async def start(self) -> None:
        """Open the worker threads; scan the installed models there, not on the event loop."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.max_workers, thread_name_prefix="translate")
            await asyncio.get_running_loop().run_in_executor(self._executor, self.router.pairs)

    async def close(self) -> None:
        """Stop the worker threads."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def available_pairs(self) -> set[tuple[str, str]]:
        """(source, target) pairs one installed model translates (argostranslate or CTranslate2)."""
        return self.router.pairs()

    def can_translate(self, source: str, target: str) -> bool:
        """Directly, through a many-to-many model or a pivot, or trivially (same language)."""
        return source == target or self.router.route(source, target) is not None

    def route_for(self, source: str, target: str) -> Route | None:
        """The route a text from source to target takes now (None: no model, or same language)."""
        return self.router.route(source, target)

    def reload_models(self) -> None:
        """Pick up newly installed or removed models and changed route pins."""
        self.router.reload()

    async def translate_for(
        self, text: str, *, source: str, languages: Sequence[str], protected: Sequence[str] = (),
        cache: bool = True,
    ) -> TranslationResult:  # fmt: skip
        """Into the first of `languages` that works; else the original, marked as a fallback.

        `cache=False`: nothing about this text is kept, in memory or in `translation_cache` (a
        cache row's hash and time would tell when these words were written: poll free text)."""
        wanted = [lang for lang in dict.fromkeys(languages) if lang]
        for index, lang in enumerate(wanted):
            if not self.can_translate(source, lang):
                continue
            try:
                result = await self.translate(
                    text, source=source, target=lang, protected=protected, cache=cache
                )
            except EngineError as err:
                log.warning(
                    "translation %s>%s failed, trying the next language: %s", source, lang, err
                )
                self.stats.failures += 1
                continue
            if index > 0:
                result = replace(result, fallback=True)
            return result
        return TranslationResult(
            text, source, source, machine=False, fallback=bool(wanted), path=(source,)
        )

    async def translate(
        self, text: str, *, source: str, target: str, protected: Sequence[str] = (),
        cache: bool = True,
    ) -> TranslationResult:  # fmt: skip
        """One text into one language (raises EngineError when no model can do it)."""
        if source == target or not text.strip():
            return TranslationResult(text, source, target, machine=False, path=(source,))
        if not cache:
            return await self._uncached(text, source, target, protected)
        route = self.router.route(source, target)
        key = self._key(text, source, target, protected, route)
        if key in self._memory:
            self.stats.cache_hits += 1
            return replace(self._memory[key], cached=True)
        if not mask(text, names=protected).has_words:
            return TranslationResult(text, source, target, machine=False, path=(source,))
        if route is None:
            raise EngineError(f"no model for {source}>{target}")
        return await self._inflight.run(
            key, lambda: self._cached_or_new(key, text, route, protected), joined=self._joined
        )

    def _joined(self) -> None:
        """Count a request that waited for an identical one instead of doing the work again."""
        self.stats.joined += 1

    async def _uncached(
        self, text: str, source: str, target: str, protected: Sequence[str]
    ) -> TranslationResult:
        """Translated now, neither looked up nor kept anywhere."""
        route = self.router.route(source, target)
        if not mask(text, names=protected).has_words:
            return TranslationResult(text, source, target, machine=False, path=(source,))
        if route is None:
            raise EngineError(f"no model for {source}>{target}")
        loop = asyncio.get_running_loop()
        done = await loop.run_in_executor(self._executor, self._work, text, route, protected)
        self.stats.performed += 1
        return TranslationResult(done, source, target, machine=True, path=route.languages)

    def _key(
        self, text: str, source: str, target: str, protected: Sequence[str], route: Route | None
    ) -> str:
        """The cache key: text, languages, glossary, names, and the route (engine and model)."""
        names = "\x1f".join(sorted(protected))
        engine = route.id if route is not None else ""
        raw = "\x1e".join((source, target, self.glossaries.version, names, text, engine))
        return hashlib.sha256(raw.encode()).hexdigest()

    async def _cached_or_new(
        self, key: str, text: str, chosen: Route, protected: Sequence[str]
    ) -> TranslationResult:
        route = chosen.languages
        source, target = route[0], route[-1]
        stored, checked = await self._load(key), await self._reviewed(text, source, target)
        if checked is not None:  # a person's translation wins over any machine's
            result = TranslationResult(checked, source, target, True, path=route, reviewed=True)
        elif stored is not None:
            self.stats.cache_hits += 1
            result = TranslationResult(
                stored.text, source, target, True, path=tuple(stored.path.split(">")), cached=True
            )
        else:
            loop = asyncio.get_running_loop()
            translated = await loop.run_in_executor(
                self._executor, self._work, text, chosen, protected
            )
            self.stats.performed += 1
            result = TranslationResult(translated, source, target, machine=True, path=route)
            await self._store(key, result, source_hash(text))
        self._remember(key, result, source_hash(text))
        return result

    def _work(self, text: str, route: Route, protected: Sequence[str]) -> str:
        """Mask, split, translate along the route, restore (in a worker thread)."""
        glossary = self.glossaries.for_language(route.languages[-1])
        lines = text.split("\n")
        units: list[tuple[int, Masked]] = []
        for number, line in enumerate(lines):
            for sentence in split_sentences(line):
                units.append((number, mask(sentence, names=protected, glossary=glossary)))
        todo = self.router.run(route, [m.text for _, m in units if m.has_words])
        done = iter(todo)
        out: list[list[str]] = [[] for _ in lines]
        for number, masked in units:
            out[number].append(masked.restore(next(done) if masked.has_words else masked.text))
        return "\n".join(" ".join(parts) for parts in out)

    async def _load(self, key: str) -> TranslationCache | None:
        if self.sessions is None:
            return None
        try:
            async with self.sessions() as session:
                return await session.get(TranslationCache, key)
        except SQLAlchemyError:
            log.warning("translation cache unavailable; translating anyway", exc_info=True)
            return None

    async def _reviewed(self, text: str, source: str, target: str) -> str | None:
        """The translation a reviewer approved or corrected for this very text, if any."""
        if self.sessions is None:
            return None
        try:
            async with self.sessions() as session:
                found = await session.exec(
                    select(ReviewedTranslation.text).where(
                        ReviewedTranslation.source_hash == source_hash(text),
                        ReviewedTranslation.source_lang == source,
                        ReviewedTranslation.target_lang == target,
                    )
                )
                return found.first()
        except SQLAlchemyError:
            log.warning("reviewed translations unavailable; using the machine's", exc_info=True)
            return None

    async def _store(self, key: str, result: TranslationResult, source: str) -> None:
        if self.sessions is None:
            return
        row = TranslationCache(
            key=key,
            source_lang=result.source,
            target_lang=result.target,
            glossary_version=self.glossaries.version,
            text=result.text,
            path=">".join(result.path),
            created_at=self.clock.now(),
            source_hash=source,
        )
        try:
            async with self.sessions() as session:
                session.add(row)
                await session.commit()
        except IntegrityError:
            pass  # another process stored the same translation first
        except SQLAlchemyError:
            log.warning("could not store a translation in the cache", exc_info=True)

    def _remember(self, key: str, result: TranslationResult, source: str) -> None:
        if len(self._memory) >= MEMORY_CACHE:
            self._sources.pop(oldest := next(iter(self._memory)), None)
            self._memory.pop(oldest)
        self._memory[key], self._sources[key] = result, source

    def forget_sources(self, hashes: set[str]) -> int:
        """Drop the in-memory translations of these source texts (their rows: the caller)."""
        keys = [key for key, source in self._sources.items() if source in hashes]
        for key in keys:
            self._memory.pop(key, None)
            self._sources.pop(key, None)
        return len(keys)
