"""The `ouderbrug` command: run, demo, invite, class, db upgrade, models, export."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.core.logs import setup_logging
from bot.core.schools import pick_school, school_settings
from bot.core.settings import Settings, SettingsError, load_settings

log = logging.getLogger("ouderbrug")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ouderbrug", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling); without a token, run the demo")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates on a web server (OUDERBRUG_PUBLIC_URL) instead of long polling",
    )
    demo = sub.add_parser(
        "demo", help="run the bot against a simulated Telegram with a demo school"
    )
    demo.add_argument("--parents", type=int, default=20, help="number of simulated parents")
    demo.add_argument(
        "--dashboard",
        action="store_true",
        help="afterwards, keep the coordinator's dashboard open on 127.0.0.1 (Ctrl-C stops)",
    )
    demo.add_argument("--port", type=int, default=0, help="the dashboard's port (default: any)")
    demo.add_argument("--webhook", action="store_true", help="updates by webhook, as in production")
    demo.add_argument(
        "--city",
        action="store_true",
        help="several `ouderbrug run` processes share four schools; one is killed, one joins",
    )
    invite = sub.add_parser("invite", help="make a one-time link for a teacher or coordinator")
    invite.add_argument("--role", choices=["teacher", "coordinator"], default="teacher")
    invite.add_argument("--class", dest="class_name", help="the teacher's class")
    _school_option(invite)
    cls = sub.add_parser("class", help="manage classes").add_subparsers(
        dest="action", required=True
    )
    _school_option(cls.add_parser("list", help="list classes with their parent links"))
    create = cls.add_parser("create", help="create a class")
    create.add_argument("name")
    rename = cls.add_parser("rename", help="rename a class")
    rename.add_argument("name")
    rename.add_argument("new_name")
    archive = cls.add_parser("archive", help="archive a class")
    archive.add_argument("name")
    flyer = cls.add_parser("flyer", help="write a class's QR flyer (PNG and PDF)")
    flyer.add_argument("name")
    flyer.add_argument("--out", default=".", help="folder to write to")
    for action in (create, rename, archive, flyer):
        _school_option(action)
    backup = sub.add_parser(
        "backup", help="write every table to a file (portable, .gz to compress)"
    )
    backup.add_argument("file")
    restore = sub.add_parser("restore", help="fill an empty database from a backup file")
    restore.add_argument("file")
    db = sub.add_parser("db", help="database").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="create or migrate the database to the newest schema")
    flows = sub.add_parser("flows", help="poll flows in flows/").add_subparsers(
        dest="action", required=True
    )
    flows.add_parser("check", help="validate every poll file (after copying and editing one)")
    export = sub.add_parser("export", help="export results").add_subparsers(
        dest="what", required=True
    )
    poll = export.add_parser("poll", help="a poll's totals and free-text answers")
    poll.add_argument("poll_id", type=int)
    poll.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    poll.add_argument("--out", required=True, help="file to write (CSV: also <name>-texts.csv)")
    _school_option(poll)
    from bot.translation.manage import add_cli

    add_cli(sub)
    from bot.speech.cli import add_cli as add_voices_cli

    add_voices_cli(sub)
    return parser


def _school_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--school", metavar="KEY", help="the school's key (required when there are several)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        schools = [settings]  # the schools file is read by the commands that need it
        if args.command in ("run", "invite", "class", "export"):
            schools = school_settings(settings)
        if args.command in ("invite", "class", "export"):
            settings = pick_school(schools, getattr(args, "school", None))
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    setup_logging(settings.log_level)  # secrets redacted, libraries at INFO or above
    try:
        return _dispatch(args, settings, schools)
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings, schools: list[Settings]) -> int:
    from bot import admin

    if args.command == "run":
        if not settings.telegram_bot_token and settings.schools_file is None:
            print("TELEGRAM_BOT_TOKEN is not set: starting the demo instead.", file=sys.stderr)
            return _demo(20)
        return admin.run_bot(settings, schools, webhook=args.webhook)
    if args.command == "demo":
        if args.city:
            return _city()
        return _demo(args.parents, dashboard=args.dashboard, port=args.port, webhook=args.webhook)
    if args.command in ("backup", "restore"):
        return admin.backup_command(settings, args.command, Path(args.file))
    if args.command == "db":
        return admin.db_upgrade(settings)
    if args.command == "invite":
        return asyncio.run(admin.invite(settings, role=args.role, class_name=args.class_name))
    if args.command == "class":
        return asyncio.run(admin.class_command(settings, args))
    if args.command == "flows":
        return admin.check_flows(settings)
    if args.command == "export":
        return admin.export_poll(settings, args.poll_id, args.format, Path(args.out))
    if args.command == "voices":
        from bot.speech.cli import run_cli as run_voices_cli

        return run_voices_cli(args, settings)
    if args.command == "models":
        from bot.translation.manage import run_cli

        return run_cli(args, settings)
    return 2


def _demo(parents: int, *, dashboard: bool = False, port: int = 0, webhook: bool = False) -> int:
    from bot.demo import run_demo

    try:
        return asyncio.run(
            run_demo(parents=parents, dashboard=dashboard, port=port, webhook=webhook)
        )
    except KeyboardInterrupt:
        return 0


def _city() -> int:
    from bot.demo.city import run_city

    try:
        return asyncio.run(run_city())
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
