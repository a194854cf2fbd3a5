"""The translation engine: installed argostranslate packages run through CTranslate2.

Packages are found and tokenised with argostranslate; sentences are split by our own offline
splitter and translated as one batch per hop, so nothing ever downloads a sentence model.
Pivoting (nl→en→ar) follows the shortest chain of installed packages.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.translation.environment import configure_argos_environment, import_argos

log = logging.getLogger(__name__)
PIVOT = "en"
# How every CTranslate2 model here decodes (argos packages and the direct/many-to-many models of
# ct2_engine.py alike): batches of up to 32 tokens, beam 4, one hypothesis, a mild length penalty.
DECODING: dict[str, Any] = {
    "replace_unknowns": True,
    "max_batch_size": 32,
    "batch_type": "tokens",
    "beam_size": 4,
    "num_hypotheses": 1,
    "length_penalty": 0.2,
}


class EngineError(Exception):
    """A translation that could not be done (no model, broken model folder)."""


@dataclass(frozen=True)
class Pair:
    """An installed translation package."""

    source: str
    target: str
    path: Path
    package: Any  # argostranslate.package.Package


class ArgosEngine:
    """Finds installed packages and translates batches of sentences through them."""

    def __init__(self, data_dir: Path, threads: int = 1) -> None:
        self.data_dir = data_dir
        self.threads = threads
        self._pairs: dict[tuple[str, str], Pair] | None = None
        self._translators: dict[Path, Any] = {}
        self._lock = threading.Lock()
        configure_argos_environment(data_dir, threads)

    def pairs(self) -> dict[tuple[str, str], Pair]:
        """Installed (source, target) packages; a broken package folder is skipped and logged."""
        with self._lock:
            if self._pairs is None:
                self._pairs = self._scan()
            return self._pairs

    def _scan(self) -> dict[tuple[str, str], Pair]:
        package, settings = import_argos()
        found: dict[tuple[str, str], Pair] = {}
        root = Path(settings.package_data_dir)
        if not root.is_dir():
            return found
        for folder in sorted(root.iterdir()):
            if not folder.is_dir():
                continue
            try:
                pkg = package.Package(folder)
            except (OSError, ValueError, KeyError) as err:
                log.warning("skipping broken translation model %s: %s", folder.name, err)
                continue
            if getattr(pkg, "type", "translate") == "translate":
                found[(pkg.from_code, pkg.to_code)] = Pair(pkg.from_code, pkg.to_code, folder, pkg)
        return found

    def reload(self) -> None:
        """Forget what was scanned and loaded (after installs)."""
        with self._lock:
            self._pairs = None
            self._translators.clear()

    def route(self, source: str, target: str) -> tuple[str, ...] | None:
        """The shortest chain of installed packages from source to target, or None."""
        if source == target:
            return (source,)
        pairs = self.pairs()
        if (source, target) in pairs:
            return (source, target)
        previous: dict[str, str] = {source: source}
        queue = deque([source])
        while queue:
            here = queue.popleft()
            for a, b in pairs:
                if a == here and b not in previous:
                    previous[b] = here
                    if b == target:
                        chain = [target]
                        while chain[-1] != source:
                            chain.append(previous[chain[-1]])
                        return tuple(reversed(chain))
                    queue.append(b)
        return None

    def translate_batch(self, sentences: list[str], source: str, target: str) -> list[str]:
        """Translate sentences along one installed package (runs in a worker thread)."""
        pair = self.pairs().get((source, target))
        if pair is None:
            raise EngineError(f"no model for {source}>{target}")
        if not pair.path.is_dir():
            self.reload()
            raise EngineError(f"the model folder for {source}>{target} is gone")
        translator = self._translator(pair)
        pkg = pair.package
        tokens = [pkg.tokenizer.encode(s) for s in sentences]
        prefix = [[pkg.target_prefix]] * len(tokens) if getattr(pkg, "target_prefix", "") else None
        try:
            results = translator.translate_batch(
                tokens,
                target_prefix=prefix,
                **DECODING,
            )
        except RuntimeError as err:
            raise EngineError(f"{source}>{target} failed: {err}") from err
        out = []
        for result in results:
            value = pkg.tokenizer.decode(result.hypotheses[0])
            if prefix and value.startswith(pkg.target_prefix):
                value = value[len(pkg.target_prefix) :]
            out.append(value.strip())
        return out

    def _translator(self, pair: Pair) -> Any:
        import ctranslate2

        with self._lock:
            translator = self._translators.get(pair.path)
            if translator is None:
                try:
                    translator = ctranslate2.Translator(
                        str(pair.path / "model"),
                        device="cpu",
                        inter_threads=1,
                        intra_threads=self.threads,
                    )
                except (RuntimeError, ValueError) as err:
                    raise EngineError(f"cannot load {pair.path.name}: {err}") from err
                self._translators[pair.path] = translator
            return translator
