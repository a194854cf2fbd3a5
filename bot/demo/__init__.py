"""`ouderbrug demo`: the real bot against a simulated Telegram, with a small simulated school.

Everything runs on 127.0.0.1 in a temporary folder; nothing reaches the internet.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from sqlmodel import col, select

from bot.app import build_application
from bot.db import SessionFactory
from bot.demo.school import School
from bot.migrate import upgrade_async
from bot.models import InboxMessage, Member
from bot.runtime import running
from bot.settings import load_settings
from bot.simulator import FakeTelegram, render_transcript

DEMO_TOKEN = "100000001:DEMO-token-not-a-real-bot"
DEMO_BOT = "ouderbrug_demo_bot"

# (name, language, class, second language): mothers, fathers and a grandparent, many languages.
FAMILIES: list[tuple[str, str, str, str | None]] = [
    ("Amina", "ar", "1A", "fr"),
    ("Youssef", "ar", "1A", "nl"),
    ("Mehmet", "tr", "1A", "nl"),
    ("Kasia", "pl", "1A", "en"),
    ("Ioana", "ro", "1A", "fr"),
    ("Olena", "uk", "3B", "en"),
    ("Hodan", "so", "3B", "en"),
    ("Tesfay", "ti", "3B", "en"),
    ("Zahra", "fa", "3B", None),
    ("Gul", "ps", "3B", "en"),
    ("Mariana", "bg", "1A", None),
    ("Carlos", "es", "3B", "fr"),
    ("Sergei", "ru", "3B", "en"),
    ("Claire", "fr", "1A", None),
    ("Tom", "nl", "1A", None),
    ("Grandma Els", "nl", "3B", None),
    ("Bilal", "ar", "3B", "fr"),
    ("Ayse", "tr", "3B", None),
    ("Piotr", "pl", "3B", None),
    ("Anna", "en", "1A", None),
]


async def run_demo(*, parents: int = 20, out: TextIO = sys.stdout) -> int:
    """Play a small school joining Ouderbrug, then print what everyone saw."""
    logging.getLogger("telegram").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="ouderbrug-demo-") as tmp:
        async with FakeTelegram(token=DEMO_TOKEN, bot_username=DEMO_BOT) as tg:
            settings = load_settings(
                env_file=None,
                TELEGRAM_BOT_TOKEN=DEMO_TOKEN,
                TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
                DATABASE_URL=f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}",
                OUDERBRUG_DATA_DIR=tmp,
                OUDERBRUG_SCHOOL_NAME="Basisschool De Buurt",
            )
            await upgrade_async(settings.db_url)
            async with running(build_application(settings), poll_timeout=5) as app:
                school = School(tg=tg, app=app)
                await play(school, parents=parents)
                inbox = await team_inbox(app.bot_data.sessions)
            print(render_transcript(tg.transcript), file=out)
            print("\n== What the school team has in its inbox (stored for review) ==", file=out)
            for line in inbox:
                print(line, file=out)
    print(f"\nDemo finished: {parents} parents joined in their own language.", file=out)
    return 0


async def team_inbox(sessions: SessionFactory) -> list[str]:
    """Parents' messages as the team sees them: language, original, Dutch translation."""
    async with sessions() as session:
        rows = await session.exec(
            select(InboxMessage, Member)
            .join(Member, col(Member.id) == col(InboxMessage.member_id))
            .order_by(col(InboxMessage.id))
        )
        lines = []
        for message, member in rows:
            dutch = message.text_nl or "(no translation model installed: ouderbrug models install)"
            if message.language == "nl":
                dutch = message.text
            lines.append(
                f"- {member.first_name} [{message.language}]: {message.text}\n    nl: {dutch}"
            )
    return lines or ["(empty)"]


async def play(school: School, *, parents: int) -> None:
    """The scenario: coordinator, classes, teachers, parents, privacy."""
    sofie = await school.coordinator("Sofie (coordinator)")
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "3B")
    await school.teacher(sofie, "Juf Lies", "1A")
    await school.teacher(sofie, "Meester Karim", "3B")
    joined = []
    for name, lang, class_name, second in (FAMILIES * (parents // len(FAMILIES) + 1))[:parents]:
        joined.append(await school.parent(name, lang, class_name, second=second))
    if len(joined) >= 3:
        await joined[2].send("/mydata")
        await joined[2].next_message()
        await joined[1].send("السلام عليكم، ابني مريض غداً ولن يأتي إلى المدرسة.")
        await joined[1].expect_text(school.t("ar", "parent.message_received"))
        await joined[0].send("/forget")
        await joined[0].press("forget:yes")
        await joined[0].next_message()
    await sofie.send("/classes")
    await sofie.next_message()
