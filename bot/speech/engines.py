"""Speech engines behind one small interface: Piper voices first, espeak-ng as the fallback.

An engine lists the voices it can speak with (`voices()`) and turns a text into mono 16-bit PCM
(`synthesize`). Both run in worker threads only (bot/speech/service.py), never on the event loop.

- Piper (`piper-tts`): neural voices the school installs (`ouderbrug voices install`), each a
  `<name>.onnx` with its `<name>.onnx.json` config in `<models folder>/voices/`; the voice's
  language is the config's `language.code` (`nl_BE` speaks "nl"); its licence is kept beside it
  in `<name>.licence.json` when it is installed.
- espeak-ng (the Debian program): formant synthesis, robotic but small and present in the Docker
  image; the text goes on stdin, never on the command line. Version 1.51 has no Somali, Tigrinya
  or Pashto voice (`espeak-ng --voices`); Arabic is read right only with its short vowels written,
  so Arabic text first gets them from the diacritizer Piper ships (libtashkeel), which can err.
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

PIPER = "piper"
ESPEAK = "espeak-ng"
ESPEAK_TIMEOUT = 60.0

# Our language codes -> espeak-ng 1.51 voices. Somali, Tigrinya and Pashto have none (checked with
# `espeak-ng --voices=so` etc.); Amharic's voice reads the Ethiopic script but is not Tigrinya.
ESPEAK_VOICES = {
    "nl": "nl",
    "fr": "fr-fr",
    "en": "en-gb",
    "ar": "ar",
    "tr": "tr",
    "pl": "pl",
    "ro": "ro",
    "bg": "bg",
    "es": "es",
    "uk": "uk",
    "ru": "ru",
    "fa": "fa",
}
ESPEAK_LACKS = ("so", "ti", "ps")


class SpeechError(Exception):
    """A voice could not speak a text (broken model, program failed)."""


@dataclass(frozen=True)
class Voice:
    """One voice an engine offers: `name` is what `Speech.voice` reports."""

    name: str  # "piper:nl_BE-nathalie-medium", "espeak-ng:nl"
    engine: str
    language: str
    licence: str
    note: str = ""  # what a school should know (robotic, diacritics...)

    @property
    def short(self) -> str:
        """The name without the engine."""
        return self.name.split(":", 1)[1]


class SpeechEngine(Protocol):
    """What the Speaker asks of an engine."""

    name: str

    def voices(self) -> list[Voice]: ...

    def synthesize(self, text: str, voice: Voice) -> tuple[np.ndarray, int]:
        """Mono int16 PCM and its sample rate (in a worker thread)."""
        ...


def voice_language(config: dict[str, Any]) -> str:
    """Our language code of a Piper config: `language.code` "nl_BE" -> "nl"."""
    language = config.get("language") or {}
    code = str(language.get("family") or language.get("code") or "")
    if not code:
        code = str((config.get("espeak") or {}).get("voice") or "")
    return code.replace("-", "_").split("_")[0].lower()


def voice_licence(folder: Path, name: str) -> str:
    """The licence written beside a voice at install, or "unknown"."""
    path = folder / f"{name}.licence.json"
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("licence") or "unknown")
    except (OSError, ValueError):
        return "unknown"


class PiperEngine:
    """Piper voices installed in one folder."""

    name = PIPER

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()

    def voices(self) -> list[Voice]:
        """Every `<name>.onnx` with a readable `<name>.onnx.json`."""
        found = []
        for model in sorted(self.folder.glob("*.onnx")) if self.folder.is_dir() else []:
            try:
                config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            language = voice_language(config)
            if language:
                licence = voice_licence(self.folder, model.stem)
                found.append(Voice(f"{PIPER}:{model.stem}", PIPER, language, licence))
        return found

    def synthesize(self, text: str, voice: Voice) -> tuple[np.ndarray, int]:
        """Every sentence's chunk, one after the other."""
        piper = self._voice(voice.short)
        try:
            chunks = [chunk.audio_int16_array for chunk in piper.synthesize(text)]
        except Exception as err:  # onnxruntime and the phonemizer raise many kinds
            raise SpeechError(f"{voice.name}: {err}") from err
        pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return pcm.astype(np.int16), int(piper.config.sample_rate)

    def _voice(self, name: str) -> Any:
        with self._lock:
            if name not in self._loaded:
                from piper import PiperVoice

                model = self.folder / f"{name}.onnx"
                try:
                    self._loaded[name] = PiperVoice.load(model, config_path=f"{model}.json")
                except Exception as err:
                    raise SpeechError(f"{name}: cannot load ({err})") from err
            return self._loaded[name]

    def unload(self) -> None:
        """Forget loaded voices (after installing or removing one)."""
        with self._lock:
            self._loaded.clear()


def espeak_program() -> str | None:
    """Where espeak-ng is, if installed."""
    return shutil.which("espeak-ng")


def espeak_installed_languages(program: str) -> set[str]:
    """Which of our codes the installed espeak-ng really has a voice for."""
    try:
        listing = subprocess.run(
            [program, "--voices"], capture_output=True, timeout=ESPEAK_TIMEOUT, check=True
        ).stdout.decode(errors="replace")
    except (OSError, subprocess.SubprocessError):
        return set()
    present = {line.split()[1] for line in listing.splitlines()[1:] if len(line.split()) > 1}
    return {code for code, espeak in ESPEAK_VOICES.items() if espeak in present}


class EspeakEngine:
    """The espeak-ng program, text on stdin, WAV on stdout."""

    name = ESPEAK

    def __init__(self, program: str | None = None) -> None:
        self.program = program or espeak_program()
        self._languages: set[str] | None = None
        self._diacritizer: Any = None
        self._lock = threading.Lock()

    def voices(self) -> list[Voice]:
        """Our languages the installed espeak-ng speaks (asked once)."""
        if self.program is None:
            return []
        if self._languages is None:
            self._languages = espeak_installed_languages(self.program)
        return [
            Voice(f"{ESPEAK}:{ESPEAK_VOICES[code]}", ESPEAK, code, "GPL-3.0-or-later", note(code))
            for code in sorted(self._languages)
        ]

    def synthesize(self, text: str, voice: Voice) -> tuple[np.ndarray, int]:
        """Run espeak-ng once; Arabic gets its short vowels first."""
        if self.program is None:
            raise SpeechError("espeak-ng is not installed")
        if voice.language == "ar":
            text = self._vowelled(text)
        command = [self.program, "-v", voice.short, "-b", "1", "--stdin", "--stdout"]
        try:
            done = subprocess.run(
                command, input=text.encode(), capture_output=True, timeout=ESPEAK_TIMEOUT
            )
        except (OSError, subprocess.SubprocessError) as err:
            raise SpeechError(f"{voice.name}: {err}") from err
        if done.returncode != 0:
            raise SpeechError(f"{voice.name}: {done.stderr.decode(errors='replace').strip()}")
        return read_wav(done.stdout)

    def _vowelled(self, text: str) -> str:
        with self._lock:
            try:
                if self._diacritizer is None:
                    from piper.tashkeel import TashkeelDiacritizer

                    self._diacritizer = TashkeelDiacritizer()
                return str(self._diacritizer(text))
            except Exception:  # the text without vowels is still better than no audio
                log.warning("Arabic diacritizer failed; espeak-ng reads it unvowelled")
                return text


def note(code: str) -> str:
    """What a school should know about espeak-ng in this language."""
    if code == "ar":
        return "robotic; short vowels added by a model (libtashkeel), may err"
    return "robotic"


def read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """PCM of a 16-bit mono WAV as espeak-ng streams it (its sizes say 'unknown': read to end)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechError("espeak-ng wrote no WAV")
    position, rate = 12, 0
    while position + 8 <= len(data):
        chunk, size = (
            data[position : position + 4],
            struct.unpack("<I", data[position + 4 : position + 8])[0],
        )
        body = position + 8
        if chunk == b"fmt ":
            channels, rate, bits = struct.unpack("<xxHI6xH", data[body : body + 16])
            if channels != 1 or bits != 16:
                raise SpeechError(f"espeak-ng wrote {channels} channels of {bits} bits")
        elif chunk == b"data":
            samples = data[body : body + min(size, len(data) - body)]
            samples = samples[: len(samples) // 2 * 2]
            return np.frombuffer(samples, dtype="<i2").astype(np.int16), rate
        position = body + size + (size & 1)
    raise SpeechError("espeak-ng wrote no audio")
