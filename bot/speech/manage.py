"""Installing Piper voices: `ouderbrug voices list|install|remove`.

A voice is three files as Piper publishes them (huggingface.co/rhasspy/piper-voices): the model
`<name>.onnx`, its config `<name>.onnx.json` and a `MODEL_CARD` naming the dataset's licence.
They come from Piper's index (`voices.json`, with a progress bar and the index's MD5 checked) or,
for schools without internet, from a folder (a copy of the voices' folders, or the files side by
side). Each voice is checked before it is installed (the config readable, the model loadable with
Piper's inputs); a broken one is reported and never replaces a working voice. The licence is kept
beside the voice in `<name>.licence.json` and shown at install and in `list`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.speech.catalog import FILES_URL, INDEX_URL, RECOMMENDED
from bot.speech.engines import ESPEAK_VOICES, voice_language, voice_licence

Progress = Callable[[str, int, int], None]  # (label, done bytes, total bytes)
PIPER_INPUTS = {"input", "input_lengths", "scales"}
LICENCE_LINE = re.compile(r"licen[cs]e\s*:\s*(.+)", re.IGNORECASE)


class VoiceFileError(Exception):
    """A voice that cannot be installed, with the reason."""


@dataclass(frozen=True)
class InstalledVoice:
    """A voice in the voices folder."""

    name: str
    language: str
    licence: str
    megabytes: float


def installed(folder: Path) -> list[InstalledVoice]:
    """The voices installed, by name."""
    found = []
    for model in sorted(folder.glob("*.onnx")) if folder.is_dir() else []:
        try:
            config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        size = model.stat().st_size / 1e6
        licence = voice_licence(folder, model.stem)
        found.append(InstalledVoice(model.stem, voice_language(config), licence, size))
    return found


def licence_of(card: str | None) -> str:
    """The licence(s) a MODEL_CARD names ("unknown" without one)."""
    found = [m.group(1).strip() for m in LICENCE_LINE.finditer(card or "")]
    return "; ".join(dict.fromkeys(found)) or "unknown"


def check_voice(model: Path, config: Path) -> dict[str, Any]:
    """The config of a usable voice; VoiceFileError says what is wrong otherwise."""
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
        for key in ("num_symbols", "num_speakers", "phoneme_id_map"):
            settings[key]
        int(settings["audio"]["sample_rate"]), str(settings["espeak"]["voice"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise VoiceFileError(f"{config.name}: not a Piper voice config ({err})") from err
    if not voice_language(settings):
        raise VoiceFileError(f"{config.name}: names no language")
    import onnxruntime

    try:
        session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own exception types
        raise VoiceFileError(f"{model.name}: not a loadable model ({err})") from err
    inputs = {i.name for i in session.get_inputs()}
    if not PIPER_INPUTS <= inputs:
        raise VoiceFileError(f"{model.name}: inputs {sorted(inputs)} are not Piper's")
    return dict(settings)


def install_voice(folder: Path, model: Path, config: Path, licence: str, source: str) -> str:
    """Check and install one voice (replacing an older copy of the same name); its language."""
    settings = check_voice(model, config)
    name = model.name.removesuffix(".onnx")
    folder.mkdir(parents=True, exist_ok=True)
    for src, target in ((model, folder / f"{name}.onnx"), (config, folder / f"{name}.onnx.json")):
        temporary = target.with_name(f".{target.name}.part")
        shutil.copyfile(src, temporary)
        temporary.replace(target)
    about = {"licence": licence, "source": source}
    (folder / f"{name}.licence.json").write_text(json.dumps(about, ensure_ascii=False) + "\n")
    return voice_language(settings)


def install_from_dir(folder: Path, source: Path) -> tuple[list[str], list[str]]:
    """Every `<name>.onnx` with its `.onnx.json` under a folder; (installed, errors)."""
    done, errors = [], []
    models = sorted(source.rglob("*.onnx"))
    if not models:
        errors.append(f"no .onnx voices in {source}")
    for model in models:
        config = Path(f"{model}.json")
        card = model.parent / "MODEL_CARD"
        if not config.is_file():
            errors.append(f"{model.name}: {config.name} missing beside it")
            continue
        licence = licence_of(card.read_text(encoding="utf-8") if card.is_file() else None)
        try:
            language = install_voice(folder, model, config, licence, str(source))
            done.append(f"{model.stem} ({language}), licence: {licence}")
        except VoiceFileError as err:
            errors.append(str(err))
    return done, errors


def wanted_voice(code: str, index: dict[str, Any]) -> str:
    """A language code's recommended voice, or a voice named in full; VoiceFileError if none."""
    if code in index:
        return code
    if code in RECOMMENDED and RECOMMENDED[code] in index:
        return RECOMMENDED[code]
    if code in ESPEAK_VOICES:
        raise VoiceFileError(f"{code}: no Piper voice; espeak-ng speaks it (robotic)")
    raise VoiceFileError(f"{code}: no Piper voice and no espeak-ng voice: not read aloud")


def install_from_index(
    folder: Path, codes: Sequence[str], progress: Progress, *, index_url: str = INDEX_URL,
    files_url: str = FILES_URL,
) -> tuple[list[str], list[str]]:  # fmt: skip
    """Download and install each language's recommended voice (or voices named in full)."""
    try:
        with urllib.request.urlopen(index_url, timeout=30) as response:
            index = json.loads(response.read())
    except (OSError, ValueError) as err:
        return [], [
            f"cannot read Piper's voice index ({err}). Without internet, copy the voices' "
            "folders (.onnx, .onnx.json, MODEL_CARD) here and run: ouderbrug voices install --from DIR"
        ]
    done, errors = [], []
    for code in dict.fromkeys(codes):
        try:
            name = wanted_voice(code, index)
            with tempfile.TemporaryDirectory(prefix="voice-") as scratch:
                files = _fetch(index[name], Path(scratch), files_url, progress)
                card = files.get("MODEL_CARD")
                licence = licence_of(card.read_text(encoding="utf-8") if card else None)
                language = install_voice(
                    folder, files[".onnx"], files[".onnx.json"], licence, files_url
                )
            done.append(f"{name} ({language}), licence: {licence}")
        except (OSError, VoiceFileError, KeyError) as err:
            errors.append(f"{code}: {err}" if not str(err).startswith(code) else str(err))
    return done, errors


def _fetch(entry: dict[str, Any], scratch: Path, base: str, progress: Progress) -> dict[str, Path]:
    """A voice's model, config and card from the index's file list, MD5 checked."""
    got: dict[str, Path] = {}
    for path, about in (entry.get("files") or {}).items():
        kind = next((k for k in (".onnx.json", ".onnx", "MODEL_CARD") if path.endswith(k)), None)
        if kind is None:
            continue
        target = scratch / Path(path).name
        digest = _download(base + urllib.parse.quote(path), target, Path(path).name, progress)
        expected = (about or {}).get("md5_digest")
        if expected and expected != digest:
            raise VoiceFileError(f"{Path(path).name}: damaged download (MD5 differs)")
        got[kind] = target
    if ".onnx" not in got or ".onnx.json" not in got:
        raise VoiceFileError(f"{entry.get('key', '?')}: the index lists no model or config")
    return got


def _download(url: str, target: Path, label: str, progress: Progress) -> str:
    """Fetch one file with progress; its MD5."""
    md5 = hashlib.md5(usedforsecurity=False)
    with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as out:
        total, done = int(response.headers.get("Content-Length") or 0), 0
        while chunk := response.read(1 << 16):
            out.write(chunk)
            md5.update(chunk)
            done += len(chunk)
            progress(label, done, total)
    return md5.hexdigest()


def remove_voice(folder: Path, name: str) -> bool:
    """Delete an installed voice and its licence note; whether it was there."""
    name = name.removeprefix("piper:").removesuffix(".onnx")
    paths = [folder / f"{name}{suffix}" for suffix in (".onnx", ".onnx.json", ".licence.json")]
    present = paths[0].is_file()
    for path in paths:
        path.unlink(missing_ok=True)
    return present
