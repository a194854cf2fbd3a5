"""Operator commands behind the CLI: run, migrate, invite, manage classes."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError

from bot.classes import service as svc
from bot.core.clock import SystemClock
from bot.core.codes import class_payload, deep_link, invite_payload
from bot.core.db import create_engine, session_factory
from bot.core.i18n import Catalogs
from bot.core.migrate import upgrade, upgrade_async
from bot.core.settings import Settings
from bot.models import Role
from bot.onboarding.members import ensure_school
from bot.polls.export import Tables
from bot.school.invites import create_invite

log = logging.getLogger(__name__)


def db_upgrade(settings: Settings) -> int:
    """Create or migrate the database."""
    upgrade(settings.db_url)
    print(f"Database is up to date: {settings.db_url.split('@')[-1]}")
    return 0


def run_bot(settings: Settings, schools: list[Settings], *, webhook: bool = False) -> int:
    """Migrate, then long-poll every school's bot (or serve their webhooks) until stopped."""
    from bot.invitations.service import TemplateError, load_templates, templates_path
    from bot.polls.flows import FlowError, load_flows

    try:  # a poll or invitation file with a mistake stops start-up with one sentence naming it
        catalogs = Catalogs.load(settings.locales_path, settings.default_language)
        load_flows(settings.flows_path, languages=catalogs.languages)
        load_templates(templates_path(settings.flows_path))
    except (FlowError, TemplateError) as err:
        print(f"A file in {settings.flows_path} has a mistake: {err}", file=sys.stderr)
        return 2
    if webhook and not settings.public_url:
        print(
            "Webhook mode needs OUDERBRUG_PUBLIC_URL: the https:// address Telegram can reach.",
            file=sys.stderr,
        )
        return 2
    upgrade(settings.db_url)
    if webhook:
        from bot.web.server import serve_schools_webhook

        return asyncio.run(serve_schools_webhook(settings, schools))
    from bot.runtime import serve_schools

    asyncio.run(serve_schools(schools))
    return 0


async def bot_username(settings: Settings) -> str:
    """The bot's @username: from settings, else asked from Telegram."""
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if not settings.telegram_bot_token:
        return "YOUR_BOT"
    try:
        async with Bot(settings.telegram_bot_token, base_url=settings.api_base) as bot:
            return bot.username
    except TelegramError as err:
        log.warning("could not ask Telegram for the bot's name: %s", err)
        return "YOUR_BOT"


async def invite(settings: Settings, *, role: str, class_name: str | None) -> int:
    """Print a one-time link for a teacher or coordinator."""
    await upgrade_async(settings.db_url)
    engine = create_engine(settings.db_url)
    try:
        async with session_factory(engine)() as session:
            now = SystemClock().now()
            school = await ensure_school(
                session, key=settings.school_key, name=settings.school_name, now=now
            )
            assert school.id is not None
            class_id = None
            if class_name:
                try:
                    found = await svc.find_class(session, school_id=school.id, name=class_name)
                except svc.ClassError:
                    print(f"No active class named {class_name!r}.")
                    return 1
                class_id = found.id
            new = await create_invite(
                session, school_id=school.id, role=Role(role), now=now, class_id=class_id
            )
        link = deep_link(await bot_username(settings), invite_payload(new.code))
        print(f"One-time {role} link (valid until {new.invite.expires_at:%Y-%m-%d %H:%M} UTC):")
        print(link)
        return 0
    finally:
        await engine.dispose()


async def class_command(settings: Settings, args: argparse.Namespace) -> int:
    """`ouderbrug class list|create|rename|archive|flyer`."""
    await upgrade_async(settings.db_url)
    engine = create_engine(settings.db_url)
    try:
        async with session_factory(engine)() as session:
            now = SystemClock().now()
            school = await ensure_school(
                session, key=settings.school_key, name=settings.school_name, now=now
            )
            assert school.id is not None
            sid = school.id
            username = await bot_username(settings)
            try:
                if args.action == "create":
                    created = await svc.create_class(
                        session, school_id=sid, name=args.name, now=now
                    )
                    print(
                        f"{created.name}: {deep_link(username, class_payload(created.join_code))}"
                    )
                elif args.action == "list":
                    for c in await svc.list_classes(session, school_id=sid):
                        link = deep_link(username, class_payload(c.join_code))
                        print(f"{c.name}\t{c.parents} parents\t{c.teachers} teachers\t{link}")
                elif args.action == "rename":
                    found = await svc.find_class(session, school_id=sid, name=args.name)
                    old, renamed = await svc.rename_class(
                        session, school_id=sid, class_id=found.id or 0, name=args.new_name
                    )
                    print(f"{old} -> {renamed.name}")
                elif args.action == "archive":
                    found = await svc.find_class(session, school_id=sid, name=args.name)
                    await svc.archive_class(session, school_id=sid, class_id=found.id or 0)
                    print(f"Archived {found.name}.")
                elif args.action == "flyer":
                    found = await svc.find_class(session, school_id=sid, name=args.name)
                    link = deep_link(username, class_payload(found.join_code))
                    for path in write_flyer(
                        settings, link, found.name, school.name, Path(args.out)
                    ):
                        print(path)
            except svc.ClassError as err:
                print(Catalogs.load(settings.locales_path).t("en", err.key, **err.values))
                return 1
        return 0
    finally:
        await engine.dispose()


def write_flyer(
    settings: Settings, link: str, class_name: str, school: str, out: Path
) -> list[Path]:
    """Write `flyer-<class>.png` and `.pdf` into a folder."""
    from bot.classes.flyers import flyer_basename, make_flyer

    catalogs = Catalogs.load(settings.locales_path, settings.default_language)
    flyer = make_flyer(
        catalogs,
        link=link,
        class_name=class_name,
        school_name=school,
        lang=settings.default_language,
    )
    out.mkdir(parents=True, exist_ok=True)
    base = flyer_basename(class_name)
    paths = [out / f"{base}.png", out / f"{base}.pdf"]
    paths[0].write_bytes(flyer.png)
    paths[1].write_bytes(flyer.pdf)
    return paths


async def poll_tables(settings: Settings, poll_id: int) -> Tables | None:
    """A poll's export tables in the school's language (None: no such poll)."""
    from bot.models import Poll, PollStatus
    from bot.polls.export import tables
    from bot.polls.flows import load_flows
    from bot.polls.service import flow_of
    from bot.polls.tally import tally_counted

    await upgrade_async(settings.db_url)
    catalogs = Catalogs.load(settings.locales_path, settings.default_language)
    flows = load_flows(settings.flows_path, languages=catalogs.languages)
    engine = create_engine(settings.db_url)
    try:
        async with session_factory(engine)() as session:
            school = await ensure_school(
                session, key=settings.school_key, name=settings.school_name, now=SystemClock().now()
            )
        async with session_factory(engine, school_id=school.id)() as session:
            poll = await session.get(Poll, poll_id)  # another school's poll is not found
            if poll is not None and poll.school_id != school.id:
                poll = None
            flow = flow_of(poll, flows=flows) if poll is not None else None
            if poll is None or flow is None or poll.status == PollStatus.DRAFT:
                return None
            results = await tally_counted(session, poll=poll, flow=flow)
    finally:
        await engine.dispose()
    return tables(results, catalogs, settings.default_language)


def export_poll(settings: Settings, poll_id: int, fmt: str, out: Path) -> int:
    """`ouderbrug export poll ID --format csv|xlsx --out FILE`: the same files as /export."""
    from bot.polls.export import to_csv, to_xlsx

    data = asyncio.run(poll_tables(settings, poll_id))
    if data is None:
        print(f"No poll with id {poll_id}.")
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        out.write_bytes(to_xlsx(data))
        print(out)
        return 0
    texts = out.with_name(f"{out.stem}-texts{out.suffix or '.csv'}")
    out.write_bytes(to_csv(data.totals_header, data.totals))
    texts.write_bytes(to_csv(data.texts_header, data.texts))
    print(out)
    print(texts)
    return 0


def check_flows(settings: Settings) -> int:
    """`ouderbrug flows check`: every poll file loads, or the mistake in one sentence."""
    from bot.invitations.service import TemplateError, load_templates, templates_path
    from bot.polls.flows import FlowError, load_flows

    catalogs = Catalogs.load(settings.locales_path, settings.default_language)
    try:
        flows = load_flows(settings.flows_path, languages=catalogs.languages)
        templates = load_templates(templates_path(settings.flows_path))
    except (FlowError, TemplateError) as err:
        print(f"A file in {settings.flows_path} has a mistake: {err}")
        return 1
    for template in templates.values():
        print(
            f"invitation:{template.id}\t{template.minutes} min\t{template.emoji} {template.title}"
        )
    for flow in flows.values():
        title = flow.title.get(settings.default_language) or flow.title["nl"]
        print(f"{flow.id}\t{len(flow.questions)} questions\t{flow.emoji} {title}")
    return 0


def backup_command(settings: Settings, action: str, path: Path) -> int:
    """`ouderbrug backup FILE` / `ouderbrug restore FILE`."""
    from bot.core.backup import BackupError, backup, restore

    try:
        if action == "backup":
            counts = asyncio.run(backup(settings.db_url, path))
        else:
            counts = asyncio.run(restore(settings.db_url, path))
    except BackupError as err:
        print(err, file=sys.stderr)
        return 1
    rows = sum(counts.values())
    done = "Wrote" if action == "backup" else "Restored"
    print(f"{done} {rows} rows in {len(counts)} tables ({path}).")
    print(
        "Remember the poll secret: back up OUDERBRUG_SECRET or "
        f"{settings.secrets_path / 'secret.key'} separately (it is not in the database)."
    )
    return 0
