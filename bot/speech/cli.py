"""`ouderbrug voices list | install CODES... | install --from DIR | remove NAME`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.speech.manage import install_from_dir, install_from_index, installed, remove_voice
from bot.speech.service import Speaker, voices_folder
from bot.speech.table import availability, text_table
from bot.translation.manage import text_progress


def add_cli(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `ouderbrug voices ...`."""
    voices = subparsers.add_parser("voices", help="read-aloud voices (Piper, espeak-ng)")
    actions = voices.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="per language: the voice that reads it aloud, its licence")
    install = actions.add_parser("install", help="install Piper voices from its index or a folder")
    install.add_argument("codes", nargs="*", help="language codes (nl ar tr) or voice names")
    install.add_argument("--from", dest="folder", type=Path, help="folder with .onnx voices")
    remove = actions.add_parser("remove", help="remove an installed voice")
    remove.add_argument("name", help="e.g. nl_BE-nathalie-medium")


def run_cli(args: argparse.Namespace, settings: Any) -> int:
    """Carry out `ouderbrug voices ...`."""
    folder = voices_folder(settings)
    if args.action == "list":
        speaker = Speaker(voices_dir=folder, espeak=settings.espeak)
        speaker.reload()
        for line in text_table(availability(speaker)):
            print(line)
        for voice in installed(folder):
            print(f"installed: {voice.name} ({voice.language}, {voice.megabytes:.0f} MB), "
                  f"licence: {voice.licence}")  # fmt: skip
        if not settings.read_aloud:
            print("Read-aloud is off (OUDERBRUG_READ_ALOUD=false).")
        return 0
    if args.action == "remove":
        if remove_voice(folder, args.name):
            print(f"removed {args.name}")
            return 0
        print(f"error: no voice {args.name} installed", file=sys.stderr)
        return 1
    if args.folder is not None:
        done, errors = install_from_dir(folder, args.folder)
    elif args.codes:
        done, errors = install_from_index(folder, args.codes, text_progress)
    else:
        print("Name languages (ouderbrug voices install nl ar tr) or a folder (--from DIR).")
        return 2
    for line in done:
        print(f"installed {line}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0
