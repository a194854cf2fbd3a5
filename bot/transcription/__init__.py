"""Voice notes understood (issue 19): speech to text with faster-whisper, off the event loop.

A Whisper model is a CTranslate2 conversion in `<models_data_dir>/whisper/<name>/` (model.bin,
config.json, tokenizer.json, vocabulary.*, preprocessor_config.json), installed with
`ouderbrug models install whisper-small` (bot/transcription/manage.py). One model is loaded once
per process, on first use, in a worker thread; transcriptions run one at a time in worker threads.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Whisper's language codes (openai/whisper tokenizer.py) of the languages Ouderbrug speaks;
# Tigrinya (ti) is not among Whisper's languages: its voice notes are transcribed without a hint.
WHISPER_LANGUAGES = frozenset("nl fr en ar tr pl ro bg es uk ru fa so ps".split())
PREFERRED = ("whisper-small", "whisper-base", "whisper-medium")
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")


@dataclass(frozen=True)
class Transcript:
    """What a voice note said, in the language it was spoken in."""

    text: str
    language: str
    model: str  # e.g. "whisper-small"


def whisper_dir(models_data_dir: Path) -> Path:
    """Where Whisper models live."""
    return Path(models_data_dir) / "whisper"


def installed_models(models_data_dir: Path) -> list[str]:
    """Names of the complete Whisper models installed, preferred first."""
    root = whisper_dir(models_data_dir)
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if all((p / f).is_file() for f in MODEL_FILES)]
    return sorted(names, key=lambda n: (PREFERRED.index(n) if n in PREFERRED else 99, n))


class Transcriber:
    """Speech to text with one faster-whisper model (None of them installed: cannot transcribe)."""

    def __init__(self, models_data_dir: Path, *, threads: int = 2) -> None:
        names = installed_models(models_data_dir)
        self.model_name: str | None = names[0] if names else None
        self._folder = whisper_dir(models_data_dir) / names[0] if names else None
        self._threads = threads
        self._model: Any = None
        self._broken = False
        self._lock = threading.Lock()  # one transcription at a time per process

    def can_transcribe(self) -> bool:
        """True when a model is installed (and did not fail to load)."""
        return self._folder is not None and not self._broken

    async def transcribe(self, audio: bytes, *, language: str | None) -> Transcript | None:
        """The text of an audio file (OGG/Opus, ...), or None when no model or it failed."""
        if not self.can_transcribe():
            return None
        hint = language if language in WHISPER_LANGUAGES else None
        try:
            return await asyncio.to_thread(self._run, audio, hint)
        except Exception:  # a broken model or file must never lose the voice note itself
            log.exception("transcription failed (model %s)", self.model_name)
            return None

    def _load(self) -> Any:
        if self._model is None:
            from faster_whisper import WhisperModel

            try:
                self._model = WhisperModel(
                    str(self._folder), device="cpu", compute_type="int8",
                    cpu_threads=self._threads,
                )  # fmt: skip
            except Exception:
                self._broken = True
                raise
        return self._model

    def _run(self, audio: bytes, hint: str | None) -> Transcript | None:
        with self._lock:
            model = self._load()
            segments, info = model.transcribe(
                io.BytesIO(audio), language=hint, task="transcribe", beam_size=1,
                temperature=0.0, without_timestamps=True, condition_on_previous_text=False,
            )  # fmt: skip
            text = " ".join(s.text.strip() for s in segments).strip()
        if not text:
            return None
        language = hint or info.language
        return Transcript(text=text, language=language, model=self.model_name or "")
