"""`ouderbrug demo`: the real bot against a simulated Telegram, with a small simulated school.

Everything runs on 127.0.0.1 in a temporary folder; nothing reaches the internet.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from datetime import datetime, time
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.app import BotApp, build_application
from bot.core.clock import ManualClock
from bot.core.db import SessionFactory
from bot.core.migrate import upgrade_async
from bot.core.settings import Settings, load_settings
from bot.demo import scenes
from bot.demo.dashboard import ask_link, dashboard_server, keep_serving
from bot.demo.engines import engines_scene
from bot.demo.families import families_scene
from bot.demo.family_messages import family_messages_scene
from bot.demo.meetings import meetings_scene
from bot.demo.pictograms import pictograms_scene
from bot.demo.polls import barriers_poll
from bot.demo.read_aloud import read_aloud_scene
from bot.demo.reviews import reviews_scene
from bot.demo.routines import routines_scene
from bot.demo.school import School
from bot.demo.voice_notes import voice_notes_scene
from bot.models import InboxMessage, Member
from bot.runtime import running
from bot.simulator import BotMessage, FakeTelegram, SimUser, render_transcript
from bot.web.demo import web_demo, web_report

DEMO_TOKEN = "100000001:DEMO-token-not-a-real-bot"
DEMO_BOT = "ouderbrug_demo_bot"
SECOND_TOKEN = "100000002:DEMO-token-second-school"  # a second school on the same server

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
# Each parent's child on the roster (first name, initial) and what the parent says they are.
CHILDREN: dict[str, tuple[str, str]] = {
    "Amina": ("Yasmine", "mother"),
    "Youssef": ("Nour", "father"),
    "Mehmet": ("Emir", "father"),
    "Kasia": ("Zofia", "mother"),
    "Ioana": ("Andrei", "mother"),
    "Olena": ("Sofiia", "mother"),
    "Hodan": ("Ayaan", "mother"),
    "Tesfay": ("Selam", "father"),
    "Zahra": ("Ali", "mother"),
    "Gul": ("Malalai", "mother"),
    "Mariana": ("Viktor", "mother"),
    "Carlos": ("Lucía", "father"),
    "Sergei": ("Misha", "father"),
    "Claire": ("Jules", "mother"),
    "Tom": ("Wout", "father"),
    "Grandma Els": ("Fleur", "other"),
    "Bilal": ("Ilyas", "father"),
    "Ayse": ("Elif", "mother"),
    "Piotr": ("Kuba", "father"),
    "Anna": ("Noah", "mother"),
}


def demo_clock(tz: ZoneInfo) -> ManualClock:
    """The demo plays on a school morning (09:30), whatever the hour it is run at."""
    today = datetime.now(tz).date()
    return ManualClock(datetime.combine(today, time(9, 30), tzinfo=tz))


async def run_demo(
    *,
    parents: int = 20,
    out: TextIO = sys.stdout,
    models_dir: Path | None = None,
    dashboard: bool = False,
    port: int = 0,
    webhook: bool = False,
) -> int:
    """Play a small school joining Ouderbrug, then print what everyone saw.

    Translation models installed in the real data folder (`ouderbrug models install ...`) are used
    read-only; without them parents get the Dutch original, marked as such in the report. With
    `dashboard`, the coordinator's dashboard stays served on 127.0.0.1 until Ctrl-C. With
    `webhook`, the simulated Telegram posts every update to the bot's web server, as in
    production, and the demo ends with what /healthz and /metrics say.
    """
    logging.getLogger("telegram").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    models = models_dir or load_settings().models_data_dir
    with tempfile.TemporaryDirectory(prefix="ouderbrug-demo-") as tmp:
        async with (
            FakeTelegram(token=DEMO_TOKEN, bot_username=DEMO_BOT) as tg,
            dashboard_server(port) as web,
        ):
            settings = load_settings(
                env_file=None,
                TELEGRAM_BOT_TOKEN=DEMO_TOKEN,
                TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
                DATABASE_URL=f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}",
                OUDERBRUG_DATA_DIR=tmp,
                OUDERBRUG_MODELS_DIR=str(models),
                OUDERBRUG_SCHOOL_NAME="Basisschool De Buurt",
                OUDERBRUG_PUBLIC_URL=web.url,
            )
            await upgrade_async(settings.db_url)
            app = build_application(settings, clock=demo_clock(settings.tz), webhook=webhook)
            async with web_demo(settings, app) if webhook else running(app, poll_timeout=5) as on:
                web.apps.append(app)
                school = School(tg=tg, app=app)
                sofie = await play(school, parents=parents)
                second = await second_school(tg, settings, app, school)
                inbox = await team_inbox(app.bot_data.sessions)
                link = await ask_link(sofie)
                monitor = await web_report(on) if webhook else []
                print(render_transcript(tg.transcript), file=out)
                print(
                    "\n== A second school on the same server: its own bot, its own data ==",
                    file=out,
                )
                print(second, file=out)
                for line in monitor:
                    print(line, file=out)
                print("\n== What the school team has in its inbox (stored for review) ==", file=out)
                for line in inbox:
                    print(line, file=out)
                if dashboard:
                    await keep_serving(link, out)
    print(f"\nDemo finished: {parents} parents joined in their own language.", file=out)
    if not dashboard:
        print("To look around the coordinator's dashboard: ouderbrug demo --dashboard", file=out)
        print("Several processes sharing a city's schools: ouderbrug demo --city", file=out)
    return 0


async def second_school(tg: FakeTelegram, settings: Settings, app: BotApp, buurt: School) -> str:
    """GO! De Klimop joins the installation: its own bot on the same database and models; a parent
    of De Buurt is a parent there too, and sees only De Klimop's news in De Klimop's chat."""
    tg_b = tg.add_bot(token=SECOND_TOKEN, bot_username="klimop_demo_bot", bot_name="De Klimop")
    settings_b = settings.model_copy(
        update={
            "telegram_bot_token": SECOND_TOKEN,
            "school_key": "klimop",
            "school_name": "GO! Basisschool De Klimop",
        }
    )
    built = build_application(settings_b, clock=app.bot_data.clock, shared=app.bot_data.shared)
    async with running(built, poll_timeout=5) as app_b:
        await scenes.second_school(School(tg=tg_b, app=app_b), buurt)
    return render_transcript(tg_b.transcript)


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
            if message.direction == "out":  # the team's answer, as written and as received
                lines.append(f"  ↩ answer to {member.first_name}: {message.text}")
                continue
            dutch = message.text_nl or "(no translation model installed: ouderbrug models install)"
            if message.language == "nl":
                dutch = message.text
            if message.kind == "help":
                lines.append(
                    f"- {member.first_name} [{message.language}]: 🤷 (does not understand an announcement)"
                )
                continue
            text = message.text or f"({message.kind})"
            lines.append(f"- {member.first_name} [{message.language}]: {text}\n    nl: {dutch}")
    return lines or ["(empty)"]


async def play(school: School, *, parents: int) -> SimUser:
    """The scenario: coordinator, classes, teachers, parents, privacy; returns the coordinator."""
    sofie = await school.coordinator("Sofie (coordinator)")
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "3B")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    karim = await school.teacher(sofie, "Meester Karim", "3B")
    joined, in_1a, in_3b, everyone = [], [], [], []
    for name, lang, class_name, second in (FAMILIES * (parents // len(FAMILIES) + 1))[:parents]:
        child, role = CHILDREN[name]
        user = await school.parent(name, lang, class_name, second=second, child=child, role=role)
        joined.append(user)
        everyone.append((user, lang))
        if class_name == "1A":
            in_1a.append((user, lang))
        else:
            in_3b.append(user)
    await sofie.send("/dutchoriginal off")  # first the Dutch original one tap away (🔤) ...
    await sofie.next_message()
    copies = await announce(school, lies, in_1a)
    await scenes.question_and_edit(school, lies, copies)
    clock = school.app.bot_data.clock
    assert isinstance(clock, ManualClock)
    await scenes.album_tomorrow_morning(school, lies, [u for u, _ in in_1a], clock)
    await sofie.send("/dutchoriginal on")  # ... then under every translation (the default)
    await sofie.next_message()
    if in_3b:
        await scenes.withdrawn_by_mistake(school, karim, in_3b[0])
    await scenes.help_and_buddy(school, sofie, copies, in_3b)
    await scenes.second_thoughts(school, copies)
    await scenes.coffee_morning(school, lies, [u for u, _ in in_1a])
    if len(joined) >= 3:
        await joined[2].send("/mydata")
        await joined[2].next_message()
        await joined[1].send("السلام عليكم، ابني مريض غداً ولن يأتي إلى المدرسة.")
        await joined[1].expect_text(school.t("ar", "conversation.received", who="Juf Lies"))

        def noted(message: BotMessage) -> bool:
            return "Youssef" in message.text and "conv:ans:" in str(message.buttons)

        # The conversation's notification (it came earlier if Youssef asked for help before).
        await lies.wait_for(lambda u: any(noted(m) for m in u.messages))
        note = next(m for m in reversed(lies.messages) if noted(m))
        await scenes.answer_in_dutch(school, lies, joined[1], note)
        await scenes.follow_ups(school, lies, joined[1], clock)
        await barriers_poll(school, sofie, everyone)
        await joined[0].send("/forget")
        await joined[0].press("forget:yes")
        await joined[0].next_message()
    for command in ("/quiethours", "/retention", "/classes"):  # the school's settings
        await sofie.send(command)
        await sofie.next_message()
    if len(in_1a) > 1:  # a week later the coffee morning is over: a thank-you question to who came
        await scenes.thank_you_after_the_meeting(school, in_1a[1][0], clock)
    await families_scene(school, sofie, lies)  # roster, letters, approval, reach (issue 17)
    await family_messages_scene(school, lies)  # /write to one family; to some families of 1A
    await routines_scene(school, lies)  # absence notes and a permission form (issue 18)
    await meetings_scene(school, lies)  # /oudercontact: an evening of meeting slots (issue 18)
    await engines_scene(school, karim)  # the route per language: direct, many-to-many, pivot
    await pictograms_scene(school, lies)  # 🏊 🎒 on a message: one picture without words
    await reviews_scene(school, sofie, lies)  # Karim reviews the Arabic; copies change
    await read_aloud_scene(school, lies)  # 🔊 Adam's father hears Juf Lies's message in Arabic
    await voice_notes_scene(school, lies)  # 🎤 his voice note reaches her (its Dutch: with a model)
    return sofie


async def announce(
    school: School, teacher: SimUser, families: list[tuple[SimUser, str]]
) -> list[tuple[SimUser, str, BotMessage]]:
    """The teacher of 1A invites to a coffee morning; parents read it in their language."""
    await teacher.send(
        "Beste ouders, vrijdag 12/12 om 8u30 is er koffie in de refter. "
        "Jullie zijn allemaal welkom, ook met kleine broers en zussen!"
    )
    await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(school.t("nl", "announce.send_now"))
    copies = [
        (
            parent,
            lang,
            await parent.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=15),
        )
        for parent, lang in families
    ]
    if copies:
        translated = [c for c in copies if "ann:orig:" in str(c[2].buttons)]
        if translated:  # with translation models installed: look at the Dutch original once
            parent, lang, copy = translated[0]
            await parent.press(school.t(lang, "announce.button_original"), message=copy)
            await parent.wait_for(lambda u: "ann:tr:" in str(copy.buttons))
        for parent, lang, copy in copies[:3]:
            answer = await parent.press(school.t(lang, "announce.button_seen"), message=copy)
            await parent.wait_callback_answer(answer)
        seen = school.t(
            "nl",
            "announce.report",
            classes="",
            sent=0,
            total=0,
            seen=3,
            failed=0,
            languages="",
            second=0,
            original=0,
        )
        seen_line = next(line for line in seen.splitlines() if ": 3" in line)
        await teacher.wait_for(lambda u: any(seen_line in m.text for m in u.messages), timeout=10)
    return copies
