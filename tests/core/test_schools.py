"""Two schools on one server: each its own bot, its own parents, and no way into the other's data."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import col, select

from bot import cli
from bot.announcements import schedule_handlers as scheduling
from bot.core.clock import ManualClock
from bot.core.scheduler import Scheduler
from bot.core.schools import school_settings
from bot.core.settings import SettingsError, load_settings
from bot.demo.school import School
from bot.models import Announcement, AnnouncementStatus, Delivery, DeliveryStatus, Member, Poll
from bot.runtime import build_applications, running_schools
from bot.shared import open_shared
from bot.simulator import FakeTelegram, SimUser
from bot.web.server import web_side
from bot.web.webhook import SECRET_HEADER
from tests.conftest import BOT_USERNAME, TOKEN
from tests.helpers.polls import has_data, launch

TOKEN_B = "987654321:TEST-token-for-the-second-school"


@pytest.fixture
def tg_b(tg: FakeTelegram) -> FakeTelegram:
    """The second school's bot, served by the same fake Telegram."""
    return tg.add_bot(token=TOKEN_B, bot_username="klimop_ouderbrug_bot", bot_name="De Klimop")


@pytest.fixture
def schools_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """De Buurt with its token in the file, De Klimop with its token in an environment variable."""
    monkeypatch.setenv("KLIMOP_BOT_TOKEN", TOKEN_B)
    path = tmp_path / "schools.yaml"
    path.write_text(
        "schools:\n"
        f"  - {{key: debuurt, name: Basisschool De Buurt, token: '{TOKEN}'}}\n"
        "  - key: klimop\n"
        "    name: GO! De Klimop\n"
        "    token_env: KLIMOP_BOT_TOKEN\n"
        "    timezone: Europe/Brussels\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def two_schools(
    tg: FakeTelegram,
    tg_b: FakeTelegram,
    fresh_db: str,
    tmp_path: Path,
    clock: ManualClock,
    schools_file: Path,
) -> AsyncIterator[tuple[School, School]]:
    """Both bots in one process, as `ouderbrug run` starts them with a schools file."""
    base = load_settings(
        env_file=None,
        OUDERBRUG_SCHOOLS_FILE=str(schools_file),
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        DATABASE_URL=fresh_db,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
    )
    async with running_schools(school_settings(base), clock=clock, poll_timeout=5) as apps:
        app_a, app_b = apps
        assert app_a.bot_data.translator is app_b.bot_data.translator  # models loaded once
        assert app_a.bot_data.engine is app_b.bot_data.engine
        yield School(tg=tg, app=app_a), School(tg=tg_b, app=app_b)


async def announce(school: School, teacher: SimUser, text: str, *readers: SimUser) -> None:
    """The teacher writes to the bot and presses Send now; the parents read it; the outbox drains."""
    await teacher.send(text)
    await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(school.t("nl", "announce.send_now"))
    for reader in readers:
        await reader.wait_for_message(lambda m: text in m.text, timeout=10)
    sender = school.app.bot_data.sender
    assert sender is not None
    await sender.idle.wait()


def received(user: SimUser, words: str) -> bool:
    """Whether a person got a message with these words."""
    return any(words in m.text for m in user.messages)


async def test_one_parent_in_two_schools_lives_in_two_separate_worlds(
    two_schools: tuple[School, School],
) -> None:
    """Amina joins De Buurt in Arabic and De Klimop in Turkish; each bot sends only its own news,
    /mydata shows one school, and /forget in one leaves the other intact."""
    buurt, klimop = two_schools
    sofie = await buurt.coordinator("Sofie")
    await buurt.new_class(sofie, "1A")
    lies = await buurt.teacher(sofie, "Juf Lies", "1A")
    karim = await klimop.coordinator("Karim")
    await klimop.new_class(karim, "1A")  # the same class name: a different class
    ali = await klimop.teacher(karim, "Meester Ali", "1A")
    amina_a = await buurt.parent("Amina", "ar", "1A")
    amina_b = await klimop.parent("Amina", "tr", "1A", user_id=amina_a.id)
    tom = await klimop.parent("Tom", "nl", "1A")

    class_a, class_b = await buurt.class_row("1A"), await klimop.class_row("1A")
    assert class_a.id != class_b.id and class_a.join_code != class_b.join_code
    # De Buurt's class link opened with De Klimop's bot joins nothing there.
    youssef = klimop.person("Youssef", "nl")
    await youssef.send("/start " + buurt.classes["1A"])
    await klimop.pick_language(youssef, "nl")
    await youssef.expect_text(klimop.t("nl", "start.bad_code"))

    await announce(buurt, lies, "Morgen gaan we naar het bos.", amina_a)
    assert received(amina_a, "naar het bos")
    assert not received(amina_b, "naar het bos") and not received(tom, "naar het bos")
    to_amina = [c for c in buurt.tg.calls("sendMessage") if str(c["chat_id"]) == str(amina_a.id)]
    assert any("naar het bos" in str(c.get("text")) for c in to_amina)  # with De Buurt's token
    assert not any("naar het bos" in str(c.get("text")) for c in klimop.tg.calls("sendMessage"))

    await amina_b.send("/mydata")
    mine = await amina_b.wait_for_message(lambda m: "1A" in m.text)
    catalogs = klimop.app.bot_data.catalogs
    assert catalogs.native_name("tr") in mine.text and catalogs.native_name("ar") not in mine.text

    await amina_a.send("/forget")
    await amina_a.press(buurt.t("ar", "forget.yes"))
    await amina_a.expect_text(buurt.t("ar", "forget.done"))
    assert await buurt.member(amina_a) is None
    kept = await klimop.member(amina_b)
    assert kept is not None and kept.language == "tr"

    await announce(klimop, ali, "Donderdag is er zwemles.", amina_b, tom)
    assert received(amina_b, "zwemles") and received(tom, "zwemles")
    assert not received(amina_a, "zwemles")
    async with klimop.app.bot_data.sessions() as session:  # De Klimop sees only its own people
        names = sorted(m.first_name for m in await session.exec(select(Member)))
    assert names == ["Amina", "Karim", "Meester Ali", "Tom", "Youssef"]


async def test_a_coordinator_never_sees_the_other_schools_poll(
    two_schools: tuple[School, School],
) -> None:
    """De Buurt runs a poll; De Klimop's coordinator neither finds it in /polls nor opens it."""
    buurt, klimop = two_schools
    sofie = await buurt.coordinator("Sofie")
    await buurt.new_class(sofie, "1A")
    await buurt.parent("Amina", "ar", "1A")
    karim = await klimop.coordinator("Karim")
    await klimop.new_class(karim, "1A")
    poll_id = await launch(buurt, sofie, "barriers", parents=1)

    await karim.send("/polls")
    menu = await karim.wait_for_message(lambda m: has_data(m, "pn:"))
    assert not has_data(menu, f"pr:{poll_id}")
    forged = await karim.press_data(f"pr:{poll_id}")
    answer = await karim.wait_callback_answer(forged)
    assert answer.text == klimop.t("nl", "error.stale_button")
    async with klimop.app.bot_data.sessions() as session:
        assert await session.get(Poll, poll_id) is None  # the school's sessions cannot reach it
    async with buurt.app.bot_data.sessions() as session:
        assert await session.get(Poll, poll_id) is not None


async def test_each_outbox_drains_its_own_copies_with_its_own_bot(
    two_schools: tuple[School, School],
) -> None:
    """De Klimop's sender is paused: De Buurt's outbox leaves De Klimop's copies alone; resumed,
    De Klimop's bot sends them. At start-up each bot arms only its own scheduled messages."""
    buurt, klimop = two_schools
    sofie = await buurt.coordinator("Sofie")
    await buurt.new_class(sofie, "1A")
    amina_a = await buurt.parent("Amina", "ar", "1A")
    karim = await klimop.coordinator("Karim")
    await klimop.new_class(karim, "1A")
    amina_b = await klimop.parent("Amina", "tr", "1A", user_id=amina_a.id)
    paused = klimop.app.bot_data.sender
    assert paused is not None
    await paused.stop()

    await karim.send("De schoolfotograaf komt vrijdag.")
    await karim.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await karim.press(klimop.t("nl", "announce.send_now"))
    await karim.wait_for(lambda u: waiting(u) == 1)
    await announce(buurt, sofie, "Het oudercafé is open.", amina_a)
    assert await copies(klimop, DeliveryStatus.PENDING) == 1  # untouched by De Buurt's sender
    assert not received(amina_b, "schoolfotograaf")

    await paused.start()
    await amina_b.wait_for_message(lambda m: "schoolfotograaf" in m.text, timeout=10)
    await paused.idle.wait()
    assert await copies(klimop, DeliveryStatus.SENT) == 1
    sent_by_b = [str(c.get("text")) for c in klimop.tg.calls("sendMessage")]
    assert any("schoolfotograaf" in t for t in sent_by_b)
    assert not any("schoolfotograaf" in str(c.get("text")) for c in buurt.tg.calls("sendMessage"))

    # A message De Buurt plans for tomorrow: only De Buurt's bot arms it at start-up.
    now = buurt.app.bot_data.clock.now()
    async with buurt.app.bot_data.sessions() as session:
        planned = Announcement(
            school_id=buurt.app.bot_data.school_id, text="Morgen: sportdag.",
            status=AnnouncementStatus.SCHEDULED, created_at=now,
            scheduled_for=now + timedelta(days=1),
        )  # fmt: skip
        session.add(planned)
        await session.commit()
    for school in (buurt, klimop):
        await scheduling.restore(school.app.bot_data, school.app.bot)
    key = scheduling.job_key(planned.id or 0)
    assert key in scheduler_of(buurt).pending() and key not in scheduler_of(klimop).pending()


def waiting(user: SimUser) -> int:
    """1 when the author's report shows the copy is waiting (no ✅ sent yet)."""
    return int(any("ann:send:" not in str(m.buttons) and "📊" in m.text for m in user.messages))


async def copies(school: School, status: DeliveryStatus) -> int:
    """How many of the school's outbox copies have this status."""
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(
            select(Delivery.id)
            .join(Announcement, col(Announcement.id) == col(Delivery.announcement_id))
            .where(Announcement.school_id == school.app.bot_data.school_id)
            .where(Delivery.status == status)
        )
        return len(list(rows))


def scheduler_of(school: School) -> Scheduler:
    """The bot's scheduler."""
    assert school.app.bot_data.scheduler is not None
    return school.app.bot_data.scheduler


SCHOOL_A = f"  - {{key: debuurt, name: De Buurt, token: '{TOKEN}', bot_username: buurt_bot}}\n"
SCHOOL_B = f"  - {{key: klimop, name: De Klimop, token: '{TOKEN_B}', bot_username: klimop_bot}}\n"


@pytest.mark.parametrize(
    ("schools", "sentence"),
    [
        (SCHOOL_A + SCHOOL_A, "The key 'debuurt' appears twice"),
        (SCHOOL_A + SCHOOL_B.replace(TOKEN_B, TOKEN), "share a token: every school needs its own"),
        (SCHOOL_A.replace(TOKEN, "12345"), "The school 'debuurt' in"),
        (SCHOOL_A.replace("debuurt", "De Buurt!"), "needs a key of lowercase letters"),
        ("  - {key: x, name: X, token_env: NOT_SET_ANYWHERE}\n", "NOT_SET_ANYWHERE, which is not"),
        ("  - {key: x, name: X, token: '1:abcdefghijkl', colour: red}\n", "unknown field 'colour'"),
        (SCHOOL_A.replace("}", ", timezone: Mars/Olympus}"), "bad token or time zone"),
    ],
)
def test_a_mistake_in_the_schools_file_is_one_sentence(
    tmp_path: Path, schools: str, sentence: str
) -> None:
    """Duplicate keys or tokens, a bad token, a missing variable: one sentence naming the school."""
    path = tmp_path / "schools.yaml"
    path.write_text("schools:\n" + schools, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        school_settings(load_settings(env_file=None, OUDERBRUG_SCHOOLS_FILE=str(path)))
    assert sentence in str(err.value) and str(err.value).endswith(".")
    assert "\n" not in str(err.value)


def test_without_a_schools_file_there_is_one_school_as_before() -> None:
    """TELEGRAM_BOT_TOKEN and OUDERBRUG_SCHOOL_NAME make the one school, key `default`."""
    settings = load_settings(
        env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, OUDERBRUG_SCHOOL_NAME="De Buurt"
    )
    (only,) = school_settings(settings)
    assert (only.school_key, only.school_name, only.telegram_bot_token) == (
        "default", "De Buurt", TOKEN,
    )  # fmt: skip


def test_the_cli_asks_which_school(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With two schools, `class` and `invite` need --school; the same class name lives in both."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith(("TELEGRAM_", "OUDERBRUG_", "DATABASE_URL")):
            monkeypatch.delenv(key)
    (tmp_path / "schools.yaml").write_text("schools:\n" + SCHOOL_A + SCHOOL_B, encoding="utf-8")
    monkeypatch.setenv("OUDERBRUG_SCHOOLS_FILE", str(tmp_path / "schools.yaml"))
    monkeypatch.setenv("OUDERBRUG_LOCALES_DIR", str(Path(__file__).parents[2] / "locales"))
    assert cli.main(["class", "list"]) == 2
    assert "choose one with --school (debuurt, klimop)" in capsys.readouterr().err
    assert cli.main(["class", "create", "1A", "--school", "nope"]) == 2
    assert "no school with the key 'nope'" in capsys.readouterr().err
    assert cli.main(["class", "create", "1A", "--school", "debuurt"]) == 0
    assert cli.main(["class", "create", "1A", "--school", "klimop"]) == 0
    assert cli.main(["class", "list", "--school", "klimop"]) == 0
    listed = capsys.readouterr().out.strip().splitlines()
    assert listed[-1].startswith("1A\t0 parents")
    assert "https://t.me/klimop_bot?start=c" in listed[-1]
    assert cli.main(["invite", "--role", "coordinator", "--school", "klimop"]) == 0
    assert "https://t.me/klimop_bot?start=i" in capsys.readouterr().out


async def test_ouderbrug_run_starts_every_school_and_stops_cleanly(
    tg: FakeTelegram, tg_b: FakeTelegram, tmp_path: Path
) -> None:
    """`ouderbrug run` with a schools file: one process, a coordinator link per school, Ctrl+C."""
    (tmp_path / "schools.yaml").write_text("schools:\n" + SCHOOL_A + SCHOOL_B, encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OUDERBRUG_", "TELEGRAM_", "DATABASE_URL"))
    }
    env |= {
        "OUDERBRUG_SCHOOLS_FILE": str(tmp_path / "schools.yaml"),
        "TELEGRAM_API_BASE_URL": tg.base_url.removesuffix("/bot"),
        "OUDERBRUG_LOCALES_DIR": str(Path(__file__).resolve().parents[2] / "locales"),
        "HOME": str(tmp_path),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert proc.stdout is not None
    links: dict[str, str] = {}
    try:
        async with asyncio.timeout(60):
            while len(links) < 2:
                line = (await proc.stdout.readline()).decode()
                assert line, "the bot stopped before printing the coordinator links"
                if "one-time link" in line:
                    link = line.rsplit(" ", 1)[-1].strip()
                    links[link.split("/")[3].split("?")[0]] = link
        assert set(links) == {BOT_USERNAME, "klimop_ouderbrug_bot"}  # as Telegram names them
        karim = tg_b.user(4242, "Karim")
        await karim.send("/start " + links["klimop_ouderbrug_bot"].split("start=")[1])
        await karim.press("Nederlands", timeout=30)
        await karim.expect_text("coördinator", timeout=30)
        assert tg.users == {}  # De Buurt's bot never heard of him
    finally:
        proc.send_signal(signal.SIGINT)
        async with asyncio.timeout(30):
            rest = await proc.stdout.read()
            code = await proc.wait()
    assert code == 0, rest.decode()[-2000:]


async def test_two_schools_behind_one_webhook_server(
    tg: FakeTelegram,
    tg_b: FakeTelegram,
    fresh_db: str,
    tmp_path: Path,
    clock: ManualClock,
    schools_file: Path,
) -> None:
    """One web server, two webhooks: each school's updates reach its own bot, each with its own
    secret; a post with De Buurt's secret on De Klimop's path is refused."""
    base = load_settings(
        env_file=None,
        OUDERBRUG_SCHOOLS_FILE=str(schools_file),
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        DATABASE_URL=fresh_db,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
    )
    schools = school_settings(base)
    shared = await open_shared(schools[0], clock)
    try:
        built = build_applications(schools, clock=clock, shared=shared, webhook=True)
        apps = {app.bot_data.settings.school_key: app for app in built}
        async with web_side(base, apps, host="127.0.0.1", port=0) as server:
            assert tg.webhook is not None and tg_b.webhook is not None
            assert tg.webhook.url.endswith("/telegram/debuurt")
            assert tg_b.webhook.url.endswith("/telegram/klimop")
            assert tg.webhook.secret != tg_b.webhook.secret
            school_b = School(tg=tg_b, app=apps["klimop"])
            sofie = await school_b.coordinator()
            await school_b.new_class(sofie, "1A")
            amina = await school_b.parent("Amina", "tr", "1A")
            assert amina.messages and tg_b.webhook.delivered >= 5
            assert tg.webhook.delivered == 0  # De Buurt heard nothing of it
            headers = {SECRET_HEADER: tg.webhook.secret}
            async with aiohttp.ClientSession() as http:
                async with http.post(
                    f"{server.local_url}/telegram/klimop", json={"update_id": 1}, headers=headers
                ) as response:
                    assert response.status == 403
    finally:
        await shared.close()
