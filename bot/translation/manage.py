"""Installing and listing translation models: `ouderbrug models list|install`.

Models come from the Argos package index (with a progress bar) or, for schools without internet,
from a folder of `.argosmodel` files. Each file is checked before it is unpacked: a broken file is
reported and skipped, and never breaks the models already installed.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.translation.engine import PIVOT, ArgosEngine
from bot.translation.environment import (
    configure_argos_environment,
    forget_loaded_models,
    import_argos,
)

Progress = Callable[[str, int, int], None]  # (label, done bytes, total bytes)
SCHOOL_LANGUAGE = "nl"


class ModelFileError(Exception):
    """A model file that cannot be installed, with the reason."""


@dataclass(frozen=True)
class InstalledModel:
    """An installed model."""

    source: str
    target: str
    version: str
    folder: str


def list_installed(data_dir: Path) -> list[InstalledModel]:
    """Models in the data folder."""
    engine = ArgosEngine(data_dir)
    return [
        InstalledModel(
            p.source, p.target, str(getattr(p.package, "package_version", "")), p.path.name
        )
        for p in sorted(engine.pairs().values(), key=lambda p: (p.source, p.target))
    ]


def check_model_file(path: Path) -> dict[str, Any]:
    """The metadata of a valid `.argosmodel`; ModelFileError says what is wrong otherwise."""
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"{path.name}: not a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            tops = {name.split("/", 1)[0] for name in names}
            if len(tops) != 1 or not any("/" in n for n in names):
                raise ModelFileError(f"{path.name}: must hold exactly one top-level folder")
            top = tops.pop()
            needed = {f"{top}/metadata.json", f"{top}/sentencepiece.model"}
            if not needed <= set(names) or not any(n.startswith(f"{top}/model/") for n in names):
                raise ModelFileError(
                    f"{path.name}: metadata.json, sentencepiece.model or model/ missing"
                )
            if any(n.startswith("/") or ".." in n.split("/") for n in names):
                raise ModelFileError(f"{path.name}: unsafe paths inside")
            meta = json.loads(archive.read(f"{top}/metadata.json"))
            archive.testzip()
    except (zipfile.BadZipFile, json.JSONDecodeError, KeyError, OSError) as err:
        raise ModelFileError(f"{path.name}: damaged ({err})") from err
    if not meta.get("from_code") or not meta.get("to_code"):
        raise ModelFileError(f"{path.name}: metadata.json has no from_code/to_code")
    if meta.get("type", "translate") != "translate":
        raise ModelFileError(f"{path.name}: not a translation model")
    return dict(meta)


def install_file(data_dir: Path, path: Path) -> dict[str, Any]:
    """Check and install one `.argosmodel` (replacing an older model of the same pair)."""
    meta = check_model_file(path)
    configure_argos_environment(data_dir)
    package, _settings = import_argos()
    for old in package.get_installed_packages():
        if (old.from_code, old.to_code) == (meta["from_code"], meta["to_code"]):
            package.uninstall(old)
    package.install_from_path(path)
    forget_loaded_models()
    return meta


def install_from_dir(data_dir: Path, folder: Path) -> tuple[list[str], list[str]]:
    """Install every `.argosmodel` in a folder; returns (installed pairs, errors)."""
    done, errors = [], []
    files = sorted(folder.glob("*.argosmodel"))
    if not files:
        errors.append(f"no .argosmodel files in {folder}")
    for path in files:
        try:
            meta = install_file(data_dir, path)
            done.append(f"{meta['from_code']}>{meta['to_code']}")
        except ModelFileError as err:
            errors.append(str(err))
    return done, errors


def pairs_needed(codes: Sequence[str], available: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Models to translate between Dutch and each language: direct when offered, else via English."""
    wanted: list[tuple[str, str]] = []
    for code in codes:
        if code == SCHOOL_LANGUAGE:
            continue
        for a, b in ((SCHOOL_LANGUAGE, code), (code, SCHOOL_LANGUAGE)):
            legs = [(x, y) for x, y in ((a, PIVOT), (PIVOT, b)) if x != y]
            if (a, b) in available:
                wanted.append((a, b))
            elif all(leg in available for leg in legs):
                wanted += legs
    return list(dict.fromkeys(wanted))


def install_from_index(
    data_dir: Path, codes: Sequence[str], progress: Progress
) -> tuple[list[str], list[str]]:
    """Download and install what nl<->each code needs from the Argos package index."""
    configure_argos_environment(data_dir)
    package, settings = import_argos()
    try:
        with urllib.request.urlopen(settings.remote_package_index, timeout=30) as response:
            Path(settings.local_package_index).write_bytes(response.read())
    except OSError as err:
        return [], [
            f"cannot reach the Argos package index ({err}). Without internet, copy .argosmodel "
            "files to this server and run: ouderbrug models install --from DIR"
        ]
    offered = {(p.from_code, p.to_code): p for p in package.get_available_packages()}
    done, errors = [], []
    for pair in pairs_needed(codes, set(offered)):
        target = Path(settings.downloads_dir) / f"{pair[0]}_{pair[1]}.argosmodel"
        try:
            _download(offered[pair].links, target, f"{pair[0]}>{pair[1]}", progress)
            install_file(data_dir, target)
            done.append(f"{pair[0]}>{pair[1]}")
        except (OSError, ModelFileError) as err:
            errors.append(f"{pair[0]}>{pair[1]}: {err}")
        finally:
            target.unlink(missing_ok=True)
    missing = [c for c in codes if c != SCHOOL_LANGUAGE and not pairs_needed([c], set(offered))]
    errors += [f"{c}: no model offered in the index" for c in missing]
    return done, errors


def _download(links: Sequence[str], target: Path, label: str, progress: Progress) -> None:
    """Fetch the first link that works, reporting progress."""
    last: OSError | None = None
    for link in links:
        try:
            with urllib.request.urlopen(link, timeout=60) as response, target.open("wb") as out:
                total = int(response.headers.get("Content-Length") or 0)
                done = 0
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    done += len(chunk)
                    progress(label, done, total)
            return
        except OSError as err:
            last = err
    raise last or OSError("no download link")


def text_progress(label: str, done: int, total: int) -> None:
    """A progress bar on stderr."""
    width = 30
    filled = int(width * done / total) if total else 0
    size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
    print(f"\r{label:>8} [{'#' * filled}{'.' * (width - filled)}] {size}", end="", file=sys.stderr)
    if total and done >= total:
        print(file=sys.stderr)


def add_cli(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `ouderbrug models list|install`."""
    models = subparsers.add_parser("models", help="translation models")
    actions = models.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="installed translation models")
    install = actions.add_parser("install", help="install models from the Argos index or a folder")
    install.add_argument("codes", nargs="*", help="language codes, e.g. en ar tr")
    install.add_argument("--from", dest="folder", type=Path, help="folder with .argosmodel files")


def run_cli(args: argparse.Namespace, settings: Any) -> int:
    """Carry out `ouderbrug models ...`."""
    data_dir = Path(settings.data_dir)
    if args.action == "list":
        models = list_installed(data_dir)
        for m in models:
            print(f"{m.source} > {m.target}\t{m.version}\t{m.folder}")
        if not models:
            print("No translation models installed. Try: ouderbrug models install en ar tr")
        return 0
    if args.folder is not None:
        done, errors = install_from_dir(data_dir, args.folder)
    elif args.codes:
        done, errors = install_from_index(data_dir, args.codes, text_progress)
    else:
        print("Name languages (ouderbrug models install en ar tr) or a folder (--from DIR).")
        return 2
    for pair in done:
        print(f"installed {pair}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0
