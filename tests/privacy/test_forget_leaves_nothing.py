"""/forget and retention leave nothing derived from the person: every table diffed before and
after, and the raw SQLite file and its WAL searched, while the bot still runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import event, text
from sqlmodel import col, select

from bot.core.clock import ManualClock
from bot.core.db import create_engine
from bot.demo.polls import has_data, invitation, launch
from bot.demo.school import School
from bot.models import Announcement, Conversation, InboxMessage, Poll, TranslationCache
from bot.simulator import BotMessage, SimUser
from bot.speech.service import voices_folder
from bot.translation.service import source_hash
from tests.helpers.argos_model import install_translation_models
from tests.helpers.dashboard import ask_login_link, serve_dashboard
from tests.helpers.invitations import invite
from tests.helpers.piper_voice import write_tiny_voice
from tests.helpers.privacy import (
    diff,
    dump,
    in_files,
    mentions,
    needles,
    raw_bytes,
    rows_mentioning,
)

ZEPHYRINE = "Zephyrine Qadoumi"  # a parent who writes in Arabic, with words of other languages
ZEPHYRINE_ID = 7_914_283_650
HER_WORDS = ["زبرجدونة", "Çekirgeyavrusu", "Żółwiobranie"]
LIES_WORDS = ["Kwispelstaartje"]  # Juf Lies's answer to her
GWENDOLINE = "Gwendolientje Vanderploeg"  # a coordinator who leaves the school
GWENDOLINE_ID = 6_825_193_740


@pytest.fixture
async def class_1a(school: School, model_files: Path) -> dict[str, SimUser]:
    """Class 1A: coordinator Sofie, Juf Lies, Tom (Dutch) and Zephyrine (Arabic); models installed."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    return {
        "sofie": sofie,
        "lies": await school.teacher(sofie, "Juf Lies", "1A"),
        "tom": await school.parent("Tom", "nl", "1A"),
        "zephyrine": await school.parent(  # her daughter Lina is on the roster (the school's)
            ZEPHYRINE, "ar", "1A", user_id=ZEPHYRINE_ID, child="Lina"
        ),
    }


def with_button(data: str) -> object:
    """A predicate: a message with a button whose callback data starts with `data`."""
    return lambda m: any(d.startswith(data) for row in m.buttons for _, d in row)


def sqlite(db_url: str) -> bool:
    """Raw files can be searched on SQLite only (PostgreSQL: the table diff alone)."""
    return db_url.startswith("sqlite")


async def writes_and_gets_an_answer(
    school: School, parent: SimUser, teacher: SimUser, said: str, answer_text: str,
    *, note: BotMessage | None = None,
) -> None:  # fmt: skip
    """The parent writes (translated for the team); the teacher answers (translated back) from the
    notification of this message (or `note`, an earlier one of the same conversation)."""
    already = len(parent.messages)
    await parent.send(said)
    await parent.wait_for(lambda u: len(u.messages) > already)  # the receipt: stored
    if note is None:
        note = await teacher.wait_for_message(
            lambda m: said in m.text and "conv:ans:" in str(m.buttons)
        )
    await teacher.press(school.t("nl", "inbox.answer_button"), message=note)
    await teacher.wait_for_message(lambda m: "/cancel" in m.text)
    already = len(parent.messages)
    await teacher.send(answer_text)
    name = teacher.first_name
    await parent.wait_for(lambda u: any(name in m.text for m in u.messages[already:]), timeout=10)


async def forget(school: School, user: SimUser, lang: str, asked: str = "forget.confirm") -> None:
    """/forget, the question (staff: what they sent stays, unnamed), Yes, and the goodbye."""
    await user.send("/forget")
    await user.expect_text(school.t(lang, asked))
    await user.press(school.t(lang, "forget.yes"))
    await user.expect_text(school.t(lang, "forget.done"))


async def cached_sources(school: School) -> set[str | None]:
    """The source hashes of every cached translation."""
    async with school.app.bot_data.sessions() as session:
        return set(await session.exec(select(TranslationCache.source_hash)))


async def test_forget_leaves_nothing_of_a_parent(
    school: School, class_1a: dict[str, SimUser], db_url: str
) -> None:
    """Zephyrine sends a photo and writes, is answered, says she'll come, volunteers as a buddy,
    starts a poll and is about to type her own answer; after /forget no row, cached translation
    or byte of the files holds her."""
    lies, tom, zephyrine, sofie = (class_1a[n] for n in ("lies", "tom", "zephyrine", "sofie"))
    said = f"ابنتي {HER_WORDS[0]} مريضة. {HER_WORDS[1]} {HER_WORDS[2]}"
    answered = f"Beterschap, {ZEPHYRINE}! {LIES_WORDS[0]} tot morgen."
    await zephyrine.send_photo(b"\x89PNG a note from the doctor", caption=HER_WORDS[1])
    note = await lies.wait_for_message(with_button("conv:ans:"))  # a first message: told at once
    await writes_and_gets_an_answer(school, zephyrine, lies, said, answered, note=note)
    speaker = school.app.bot_data.speaker  # her words read aloud (a tiny voice stands in)
    assert speaker is not None
    write_tiny_voice(voices_folder(school.app.bot_data.settings), "ar_JO-tiny-x_low", language="ar")
    speaker.reload()
    spoken = [await speaker.speak(t, language="ar", source=said) for t in (said, answered)]
    assert speaker.cache_dir is not None and len(list(speaker.cache_dir.iterdir())) == 2
    await tom.send("Wanneer is het oudercontact?")  # Tom's conversation must survive
    await lies.wait_for_message(lambda m: "oudercontact" in m.text)
    await invite(school, lies)
    copy = await zephyrine.wait_for_message(with_button("rsvp:yes:"), timeout=10)
    await zephyrine.press(school.t("ar", "event.button_yes"), message=copy)
    await zephyrine.expect_text(school.t("ar", "event.how_many"))
    await zephyrine.press("2")
    await zephyrine.send("/buddy")
    await zephyrine.press(school.t("ar", "buddy.yes_button"))
    await zephyrine.expect_text(school.t("ar", "buddy.on"))
    poll_id = await launch(school, sofie, "barriers", None)  # she starts it, taps "Something
    ask = await invitation(zephyrine, poll_id)  # else": her own words are awaited (a keyed row)
    await zephyrine.press(school.t("ar", "poll.start_button"), message=ask)
    await zephyrine.wait_for(lambda u: has_data(ask, f"po:{poll_id}:"))
    await zephyrine.press(f"po:{poll_id}:hard", message=ask)
    await zephyrine.wait_for(lambda u: school.t("ar", "poll.write_other") in ask.text)
    member = await school.member(zephyrine)
    assert member is not None and member.id is not None
    async with school.app.bot_data.sessions() as session:
        file_ids = [m.file_id for m in await session.exec(select(InboxMessage)) if m.file_id]
    assert file_ids
    words = [ZEPHYRINE, *HER_WORDS, *LIES_WORDS, *file_ids]

    before = await dump(school)
    assert mentions(before, words, [ZEPHYRINE_ID])  # the search finds her while she is there
    if sqlite(db_url):
        assert in_files(raw_bytes(db_url), needles(words, ZEPHYRINE_ID))
    await forget(school, zephyrine, "ar")
    after = await dump(school)

    assert mentions(after, words, [ZEPHYRINE_ID]) == []
    assert await rows_mentioning(school, member.id, ZEPHYRINE_ID) == []
    gone, came = diff(before, after)
    expected = {"member", "class_membership", "conversation", "inbox_message", "delivery", "rsvp"}
    assert expected | {"poll_writing"} <= set(gone), gone.keys()
    assert "translation_cache" in gone and came == {}, came
    assert "guardian" in gone and before["pupil"] == after["pupil"]  # Lina stays on the roster
    if sqlite(db_url):  # the bot still runs: the files as an insider would copy them now
        assert in_files(raw_bytes(db_url), needles(words, ZEPHYRINE_ID)) == []
    hers = {source_hash(said), source_hash(answered), source_hash(HER_WORDS[1])}  # + the caption
    assert hers <= {dict(r).get("source_hash") for r in before["translation_cache"]}  # were cached
    assert not hers & await cached_sources(school)
    others = {r for r in before["translation_cache"] if dict(r)["source_hash"] not in hers}
    assert others and others <= after["translation_cache"]  # the invitation's translations stay
    assert before["poll_participation"] == after["poll_participation"]  # "already answered" stays
    translator = school.app.bot_data.translator
    assert translator is not None
    again = await translator.translate(said, source="ar", target="nl")
    assert not again.cached  # not kept in memory either
    assert None not in spoken and not any(  # nor her words' audio
        p.name.startswith(source_hash(said)) for p in (speaker.cache_dir or Path()).iterdir()
    )


async def test_forget_of_a_staff_member(
    school: School, class_1a: dict[str, SimUser], db_url: str
) -> None:
    """Gwendoline (coordinator) launches a poll, sends an announcement, answers Tom, keeps a draft
    and opens the dashboard; after /forget her work stays for the parents without her name or chat."""
    sofie, tom, lies = class_1a["sofie"], class_1a["tom"], class_1a["lies"]
    await sofie.send("/invite")
    await sofie.press(school.t("nl", "invite.role_coordinator"))
    link = await sofie.expect_text("https://t.me/")
    gwen = school.person(GWENDOLINE, user_id=GWENDOLINE_ID)
    await gwen.send("/start " + link.text.split("start=", 1)[1].split()[0])
    await school.pick_language(gwen, "nl")
    await gwen.expect_text(school.t("nl", "invite.joined", role=school.t("nl", "role.coordinator")))
    poll_id = await launch(school, gwen, "barriers", None)
    await gwen.send("Morgen is er turnen.")
    preview = await gwen.wait_for_message(with_button("ann:send:"))
    await gwen.press(school.t("nl", "announce.send_now"), message=preview)
    await tom.wait_for_message(lambda m: "turnen" in m.text, timeout=10)
    await tom.send("Mag Lotte een dag thuisblijven?")
    await lies.wait_for_message(lambda m: "Lotte" in m.text)
    await gwen.send("/inbox")  # coordinators answer any conversation
    entry = await gwen.wait_for_message(
        lambda m: "Lotte" in m.text and "conv:ans:" in str(m.buttons)
    )
    await writes_and_gets_an_answer(school, tom, gwen, "Bedankt!", "Ja, dat is goed.", note=entry)
    await gwen.send("Kladversie die nooit vertrekt.")  # a draft, never sent
    await gwen.wait_for_message(with_button("ann:send:"))
    jar = aiohttp.CookieJar(unsafe=True)  # cookies of 127.0.0.1 too
    async with serve_dashboard() as web, aiohttp.ClientSession(cookie_jar=jar) as browser:
        web.apps.append(school.app)
        school.app.bot_data.settings.public_url = web.url
        async with browser.get(await ask_login_link(gwen)) as page:  # signed in: a session row
            assert page.status == 200 and page.url.path == "/dashboard/"
        before = await dump(school)
        assert mentions(before, [GWENDOLINE], [GWENDOLINE_ID])
        if sqlite(db_url):
            assert in_files(raw_bytes(db_url), needles([GWENDOLINE, "Kladversie"], GWENDOLINE_ID))
        await forget(school, gwen, "nl", "forget.confirm_staff")
        after = await dump(school)
        async with browser.get(f"{web.url}/dashboard/", allow_redirects=False) as page:
            assert page.status != 200  # the copied cookie opens nothing any more

    assert mentions(after, [GWENDOLINE, "Kladversie"], [GWENDOLINE_ID]) == []
    gone, _came = diff(before, after)
    assert {"member", "dashboard_login", "dashboard_session", "announcement"} <= set(gone)
    async with school.app.bot_data.sessions() as session:
        poll = await session.get(Poll, poll_id)
        turnen = select(Announcement).where(col(Announcement.text).contains("turnen"))
        sent = (await session.exec(turnen)).one()
        answer_row = (
            await session.exec(select(InboxMessage).where(InboxMessage.direction == "out"))
        ).one()
    assert poll is not None and poll.author_id is None and poll.author_chat_id is None
    assert sent.status == "sent" and sent.author_id is None and sent.author_chat_id is None
    assert answer_row.author_id is None and answer_row.text == "Ja, dat is goed."
    assert "Basisschool De Buurt" in (answer_row.text_parent or "")  # the school answered
    if sqlite(db_url):
        assert in_files(raw_bytes(db_url), needles([GWENDOLINE, "Kladversie"], GWENDOLINE_ID)) == []


async def test_retention_leaves_nothing_of_old_conversations(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock, db_url: str
) -> None:
    """A 40-day-old conversation goes at 03:15 with its cached translations, from both files."""
    lies, sofie, zephyrine = (class_1a[n] for n in ("lies", "sofie", "zephyrine"))
    await sofie.send("/retention 30")
    await sofie.expect_text(school.t("nl", "retention.days", days=30))
    said = f"{HER_WORDS[0]} {HER_WORDS[1]}"
    answered = f"{LIES_WORDS[0]}, dank je."
    await writes_and_gets_an_answer(school, zephyrine, lies, said, answered)
    mehmet = await school.parent("Mehmet", "tr", "1A")
    await mehmet.send("Gezi hakkında yeni bir soru.")  # recent: stays
    await lies.wait_for_message(lambda m: "Gezi" in m.text)
    services = school.app.bot_data
    async with services.sessions() as session:
        old = (await session.exec(select(Conversation).order_by(Conversation.id))).first()
        assert old is not None
        old.updated_at = clock.now() - timedelta(days=40)
        session.add(old)
        await session.commit()
    words = [*HER_WORDS[:2], LIES_WORDS[0]]
    before = await dump(school)
    if sqlite(db_url):
        assert in_files(raw_bytes(db_url), {w: w.encode() for w in words})
    clock.set(datetime(2026, 11, 24, 2, 15, tzinfo=UTC))  # Tuesday 03:15 in Brussels
    assert services.scheduler is not None
    await services.scheduler.ran("retention", 1)
    after = await dump(school)
    for tables in (before, after):  # the day each member was last active moves on: not a deletion
        tables["member"] = {
            tuple(c for c in row if c[0] != "active_on") for row in tables["member"]
        }
    gone, _came = diff(before, after)
    assert set(gone) == {"conversation", "inbox_message", "translation_cache"}, gone.keys()
    assert mentions(after, words, []) == []
    assert not {source_hash(said), source_hash(answered)} & await cached_sources(school)
    assert source_hash("Gezi hakkında yeni bir soru.") in await cached_sources(school)
    if sqlite(db_url):
        found = in_files(raw_bytes(db_url), {w: w.encode() for w in words})
        assert found == []


async def test_sqlite_connections_overwrite_deleted_rows(tmp_path: Path) -> None:
    """Every SQLite connection the project opens has secure_delete on, also with an SQLite built
    with it off (Debian's is built with it on: the first listener turns it off, as such a build)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'pragma.db'}")

    def as_built_without_it(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.cursor().execute("PRAGMA secure_delete=OFF")

    event.listen(engine.sync_engine, "connect", as_built_without_it, insert=True)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA secure_delete"))).scalar() == 1
    finally:
        await engine.dispose()
