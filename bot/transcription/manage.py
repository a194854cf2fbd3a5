"""`ouderbrug models install whisper-small` (or base, medium) and `--from DIR`: Whisper models.

Real source: Hugging Face `Systran/faster-whisper-<size>` (CTranslate2 conversions of OpenAI's
Whisper, MIT licence). Offline: `--from DIR` copies a folder holding such a model (or folders
of them). Models land in `<models_data_dir>/whisper/<name>/`.
"""

from __future__ import annotations

import shutil
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.transcription import MODEL_FILES, installed_models, whisper_dir

HF = "https://huggingface.co/Systran/faster-whisper-{size}/resolve/main/{file}"
SIZES = ("base", "small", "medium")
LICENCE = "MIT (OpenAI Whisper; CTranslate2 conversion by Systran)"
# small/medium have vocabulary.txt, large-v3 vocabulary.json (and preprocessor_config.json)
FILES = ("config.json", "model.bin", "tokenizer.json", "preprocessor_config.json", "vocabulary.txt",
         "vocabulary.json")  # fmt: skip
OPTIONAL = ("vocabulary.txt", "vocabulary.json", "preprocessor_config.json")
Progress = Callable[[str, int, int], None]


def wants_whisper(codes: Sequence[str]) -> list[str]:
    """The `whisper-<size>` names among the codes given to `models install`."""
    return [c.lower() for c in codes if c.lower().startswith("whisper-")]


def is_whisper_folder(folder: Path) -> bool:
    """A folder laid out like a faster-whisper model."""
    return all((folder / f).is_file() for f in MODEL_FILES) and (
        (folder / "preprocessor_config.json").is_file() or "whisper" in folder.name.lower()
    )


def install_download(models_data_dir: Path, name: str, progress: Progress) -> Path:
    """Download `whisper-<size>` into place (a half-done download never counts as installed)."""
    size = name.removeprefix("whisper-")
    if size not in SIZES:
        raise ValueError(
            f"unknown Whisper model {name!r}: choose whisper-{', whisper-'.join(SIZES)}"
        )
    target = whisper_dir(models_data_dir) / name
    partial = target.with_name(f".{name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for file in FILES:
        url = HF.format(size=size, file=file)
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                total, done = int(response.headers.get("Content-Length") or 0), 0
                with (partial / file).open("wb") as out:
                    while chunk := response.read(1 << 16):
                        out.write(chunk)
                        done += len(chunk)
                        progress(file, done, total)
        except OSError:
            (partial / file).unlink(missing_ok=True)
            if file not in OPTIONAL:
                shutil.rmtree(partial, ignore_errors=True)
                raise
    if not any((partial / f).is_file() for f in ("vocabulary.txt", "vocabulary.json")):
        shutil.rmtree(partial, ignore_errors=True)
        raise OSError(f"{name}: no vocabulary file at {HF.format(size=size, file='vocabulary.*')}")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def install_from_dir(models_data_dir: Path, folder: Path) -> list[str]:
    """Copy every Whisper model found in folder (itself or its sub-folders); their names."""
    found = [folder] if is_whisper_folder(folder) else []
    found += [p for p in sorted(folder.iterdir()) if p.is_dir() and is_whisper_folder(p)]
    names = []
    for source in found:
        name = source.name.lower().removeprefix("faster-")  # faster-whisper-small: whisper-small
        name = name if name.startswith("whisper-") else f"whisper-{name}"
        target = whisper_dir(models_data_dir) / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
        names.append(name)
    return names


def list_lines(models_data_dir: Path) -> list[str]:
    """What `ouderbrug models list` says about speech to text."""
    names = installed_models(models_data_dir)
    if not names:
        return ["Voice notes: no Whisper model installed (ouderbrug models install whisper-small)."]
    return [f"Voice notes: {', '.join(names)} ({names[0]} in use), licence {LICENCE}"]


def run_install(
    models_data_dir: Path, codes: Sequence[str], folder: Path | None, progress: Progress
) -> tuple[list[str], list[str]]:
    """Install the Whisper models asked for; (installed names, errors)."""
    done: list[str] = []
    errors: list[str] = []
    if folder is not None and folder.is_dir():
        done += install_from_dir(models_data_dir, folder)
    for name in wants_whisper(codes):
        print(f"{name}: licence {LICENCE}")
        try:
            install_download(models_data_dir, name, progress)
            done.append(name)
        except (OSError, ValueError) as err:
            errors.append(f"{name}: {err}")
    return done, errors
