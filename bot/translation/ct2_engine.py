"""Running the CTranslate2 models of `ct2_models`: tokenise, translate a batch, detokenise.

Direct (Opus-MT/Marian) models: the source pieces of `source.spm` (after the target token of a
multi-target model, `>>som<<`) and `</s>`, as the Transformers tokenizer gives them; the output
is read with `target.spm`. Many-to-many (NLLB-200): `[source token] + pieces + </s>` with the
target token as the target prefix, dropped from the output, as CTranslate2's NLLB guide does.
Everything here runs in the translator's worker threads, never on the event loop.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from bot.translation.ct2_models import MANY, Ct2Model, ct2_root, scan
from bot.translation.engine import DECODING, EngineError

EOS = "</s>"


class _Loaded:
    """A model's translator and tokenisers, loaded once."""

    def __init__(self, model: Ct2Model, threads: int) -> None:
        import ctranslate2
        import sentencepiece as spm

        folder = model.folder
        try:
            self.translator = ctranslate2.Translator(
                str(folder), device="cpu", inter_threads=1, intra_threads=threads
            )
            if model.kind == MANY:
                self.source = self.target = spm.SentencePieceProcessor(
                    model_file=str(folder / "sentencepiece.bpe.model")
                )
            else:
                self.source = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
                self.target = spm.SentencePieceProcessor(model_file=str(folder / "target.spm"))
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        except (RuntimeError, ValueError, OSError) as err:
            raise EngineError(f"cannot load {model.name}: {err}") from err
        self.adds_eos = bool(config.get("add_source_eos"))


def source_tokens(model: Ct2Model, pieces: list[str], source: str, target: str) -> list[str]:
    """What the model reads for one sentence's pieces."""
    if model.kind == MANY:
        front = [model.codes[source]]
    else:
        front = [model.target_tokens[target]] if target in model.target_tokens else []
    return front + pieces


class Ct2Engine:
    """The installed CTranslate2 models and their batches."""

    def __init__(self, data_dir: Path, threads: int = 1) -> None:
        self.root = ct2_root(data_dir)
        self.threads = threads
        self._models: list[Ct2Model] | None = None
        self._loaded: dict[Path, _Loaded] = {}
        self._lock = threading.Lock()

    def models(self) -> list[Ct2Model]:
        """Installed models (scanned once, again after `reload`)."""
        with self._lock:
            if self._models is None:
                self._models = scan(self.root)
            return self._models

    def reload(self) -> None:
        """Forget what was scanned and loaded (after installs)."""
        with self._lock:
            self._models = None
            self._loaded.clear()

    def _load(self, model: Ct2Model) -> _Loaded:
        with self._lock:
            loaded = self._loaded.get(model.folder)
            if loaded is None:
                loaded = self._loaded[model.folder] = _Loaded(model, self.threads)
            return loaded

    def translate_batch(
        self, model: Ct2Model, sentences: list[str], source: str, target: str
    ) -> list[str]:
        """Translate sentences with one model (runs in a worker thread)."""
        if (source, target) not in model.pairs:
            raise EngineError(f"{model.name} does not translate {source}>{target}")
        if not model.folder.is_dir():
            self.reload()
            raise EngineError(f"the model folder of {model.name} is gone")
        loaded = self._load(model)
        tail = [] if loaded.adds_eos else [EOS]
        batch = [
            source_tokens(model, loaded.source.encode(s, out_type=str), source, target) + tail
            for s in sentences
        ]
        prefix = [[model.codes[target]]] * len(batch) if model.kind == MANY else None
        try:
            results: list[Any] = loaded.translator.translate_batch(
                batch,
                target_prefix=prefix,
                **DECODING,
            )
        except RuntimeError as err:
            raise EngineError(f"{model.name} {source}>{target} failed: {err}") from err
        out = []
        for result in results:
            tokens = list(result.hypotheses[0])
            if prefix and tokens and tokens[0] == model.codes[target]:
                tokens = tokens[1:]
            out.append(loaded.target.decode_pieces(tokens).strip())
        return out
