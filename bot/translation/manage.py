"""Installing and listing translation models: `ouderbrug models list|install|route`.

Models come from the Argos package index (with a progress bar) or, for schools without internet,
from a folder of `.argosmodel` files and CTranslate2 model folders (direct Opus-MT pairs,
many-to-many NLLB: `ct2_install.py`). Each file is checked before it is unpacked: a broken file is
reported and skipped, and never breaks the models already installed. `models list` shows per
language the route both ways (`model_list.py`); `models route tr pivot` pins one (`routes.py`).
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

from bot.transcription import manage as whisper
from bot.translation.ct2_install import ct2_folders, install_ct2_from_dir
from bot.translation.ct2_models import ct2_root
from bot.translation.engine import PIVOT, ArgosEngine
from bot.translation.environment import (
    configure_argos_environment,
    forget_loaded_models,
    import_argos,
)
from bot.translation.model_list import route_lines
from bot.translation.routes import AUTO, KINDS, write_pin

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


def ct2_folders_installed(data_dir: Path) -> bool:
    """Any CTranslate2 model folder installed."""
    root = ct2_root(data_dir)
    return root.is_dir() and any(p.is_dir() and not p.name.startswith(".") for p in root.iterdir())


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


def install_from_dir(
    data_dir: Path, folder: Path, accept_licences: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    """Install every `.argosmodel` and CTranslate2 model folder in a folder; returns (installed
    pairs and models, errors). A model under a licence that is not plainly open (NLLB-200:
    CC-BY-NC-4.0) is installed only when `accept_licences` names that licence."""
    accepted = {x.strip().lower() for x in accept_licences}
    done, errors = install_ct2_from_dir(data_dir, folder, accepted)
    files = sorted(folder.glob("*.argosmodel"))
    if not files and not ct2_folders(folder):
        errors.append(f"no .argosmodel files or model folders in {folder}")
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
    actions.add_parser("list", help="per language the route both ways; installed models")
    install = actions.add_parser("install", help="install models from the Argos index or a folder")
    install.add_argument("codes", nargs="*", help="language codes, e.g. en ar tr")
    install.add_argument(
        "--from", dest="folder", type=Path,
        help="folder with .argosmodel files and/or CTranslate2 model folders (metadata.json)",
    )  # fmt: skip
    install.add_argument(
        "--accept-licence", dest="accept", action="append", default=[], metavar="LICENCE",
        help="install models under this licence too, e.g. cc-by-nc-4.0 (NLLB-200)",
    )  # fmt: skip
    route = actions.add_parser("route", help="pin a language's route (or auto: the best)")
    route.add_argument("language", help="language code, e.g. tr")
    route.add_argument("kind", choices=[*KINDS, AUTO])


def run_cli(args: argparse.Namespace, settings: Any) -> int:
    """Carry out `ouderbrug models ...`."""
    data_dir = Path(getattr(settings, "models_data_dir", settings.data_dir))  # as the bot reads
    if args.action == "list":
        codes = sorted(p.parent.name for p in settings.locales_path.glob("*/LC_MESSAGES"))
        print("\n".join(route_lines(data_dir, codes)))
        print("\n".join(whisper.list_lines(data_dir)))
        if not list_installed(data_dir) and not ct2_folders_installed(data_dir):
            print("No translation models installed. Try: ouderbrug models install en ar tr")
        return 0
    if args.action == "route":
        write_pin(data_dir, args.language.lower(), args.kind)
        print(f"{args.language}: {args.kind} (restart the bot to use it)")
        return 0
    heard, heard_errors = whisper.run_install(data_dir, args.codes, args.folder, text_progress)
    for name in heard:
        print(f"installed {name}")  # speech to text (bot/transcription/manage.py)
    for error in heard_errors:
        print(f"error: {error}", file=sys.stderr)
    args.codes = [c for c in args.codes if not c.lower().startswith("whisper-")]
    translations_too = args.folder is not None and (
        ct2_folders(args.folder) or any(args.folder.glob("*.argosmodel"))
    )
    if (heard or heard_errors) and not args.codes and not translations_too:
        return 1 if heard_errors else 0
    if args.folder is not None:
        done, errors = install_from_dir(data_dir, args.folder, args.accept)
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
