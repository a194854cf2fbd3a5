"""Stories of anonymous polls: a coordinator launches, parents answer in their language, nobody can trace."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import SQLModel, select

from bot.demo.school import School
from bot.models import (
    Member,
    Poll,
    PollAnswer,
    PollParticipation,
    PollPending,
    PollResponse,
    PollStatus,
)
from bot.polls.anonymity import participation_key
from bot.polls.views import local
from bot.simulator import SimUser
from tests.helpers.argos_model import install_translation_models
from tests.helpers.polls import Pick, answer, has_data, invitation, launch

FAMILIES = [
    ("Amina", "ar"),
    ("Mehmet", "tr"),
    ("Kasia", "pl"),
    ("Tom", "nl"),
    ("Hodan", "so"),
    ("Olena", "uk"),
]
# hard (multiple), often (single), help (multiple)
PICKS = {
    "Amina": [["language", "letters"], "sometimes", ["interpreter"]],
    "Mehmet": [["hours"], "rarely", ["time", "kids"]],
    "Kasia": [["childcare", "hours"], "often", None],
    "Tom": [["nothing"], "often", ["personal"]],
    "Hodan": [["language", "whom"], "never", ["interpreter", "friend"]],
}


@pytest.fixture
async def class_1a(school: School) -> dict[str, SimUser]:
    """A coordinator and six families of class 1A, in six languages."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {"sofie": sofie}
    for name, lang in FAMILIES:
        people[name] = await school.parent(name, lang, "1A")
    return people


async def test_parents_answer_in_their_language_and_results_count_each_once(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Invitation with the anonymous line, big emoji buttons, skip, stop halfway, thanks; totals."""
    sofie = class_1a["sofie"]
    poll_id = await launch(school, sofie, "barriers", parents=6)
    flows = school.app.bot_data.flows
    for name, lang in FAMILIES:
        msg = await invitation(class_1a[name], poll_id)
        anonymous = school.t(
            lang, "poll.invite", emoji="", title="", count=3, date=""
        ).splitlines()[2]
        assert anonymous.startswith("🔒") and anonymous in msg.text, (lang, msg.text)
        assert local(flows["barriers"].title, lang) in msg.text
    finished = {}
    for name, lang in FAMILIES[:5]:
        done = await answer(school, class_1a[name], lang, poll_id, PICKS[name])  # type: ignore[arg-type]
        finished[name] = done
        outcome = local(flows["barriers"].outcome, lang)
        await class_1a[name].wait_for(lambda u: outcome in done.text)
        assert school.t(lang, "poll.thanks", outcome=outcome) == done.text
    # Olena answers the first question, then stops: what she answered counts.
    olena = class_1a["Olena"]
    stopped = await answer(school, olena, "uk", poll_id, [["transport"], "often", None], stop_at=1)
    assert (
        school.t("uk", "poll.stopped", outcome=local(flows["barriers"].outcome, "uk"))
        == stopped.text
    )

    # Start again, or replay an old press: nothing is counted twice.
    mehmet = class_1a["Mehmet"]
    first = finished["Mehmet"]
    cb = await mehmet.press_data(f"pg:{poll_id}", first)
    assert (await mehmet.wait_callback_answer(cb)).text == school.t("tr", "poll.already_answered")
    cb = await mehmet.press_data(f"pq:{poll_id}:often:never", first)
    assert (await mehmet.wait_callback_answer(cb)).text == school.t("tr", "error.stale_button")

    # Five finished together: published as one batch (k = 5); Olena's answer waits for more.
    async with school.app.bot_data.sessions() as session:
        assert len(list(await session.exec(select(PollResponse)))) == 5
        held = list(await session.exec(select(PollPending)))
    assert [(p.question_id, p.option_id, p.ready) for p in held] == [("hard", "transport", True)]
    # Closing publishes the rest.
    closing = await sofie.press_data(f"pz:{poll_id}")
    await sofie.wait_callback_answer(closing)
    async with school.app.bot_data.sessions() as session:
        responses = list(await session.exec(select(PollResponse)))
        answers = list(await session.exec(select(PollAnswer)))
    assert len(responses) == 6
    often = sorted(a.option_id or "" for a in answers if a.question_id == "often")
    assert often == ["never", "often", "often", "rarely", "sometimes"]
    hard = [a.option_id for a in answers if a.question_id == "hard"]
    assert sorted(hard) == sorted(
        [
            "language",
            "letters",
            "hours",
            "childcare",
            "hours",
            "nothing",
            "language",
            "whom",
            "transport",
        ]
    )

    # The coordinator sees the totals and a chart.
    await sofie.press_data(f"pr:{poll_id}")
    report = await sofie.wait_for_message(lambda m: m.text.startswith("🚧"))
    assert school.t("nl", "poll.respondents", count=6, invited=6) in report.text
    assert "🗣️ De taal: 2 (33%)" in report.text
    assert "⏰ Mijn werkuren: 2 (33%)" in report.text
    assert "🟢 Vaak: 2 (40%)" in report.text  # 5 answered the second question
    chart = await sofie.wait_for_message(lambda m: m.kind == "photo")
    assert chart.file_id is not None
    png = school.tg.files[chart.file_id].data
    assert png.startswith(b"\x89PNG")


async def test_the_database_alone_ties_no_answer_to_a_person(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """With every table in hand: no user, chat, member id or time in the poll tables; random ids;
    participation keys need the secret, which is not in the database."""
    sofie = class_1a["sofie"]
    poll_id = await launch(school, sofie, "barriers", parents=6)
    for name, lang in FAMILIES[:5]:
        done = await answer(school, class_1a[name], lang, poll_id, PICKS[name])  # type: ignore[arg-type]
        await class_1a[name].wait_for(lambda u: "pq:" not in str(done.buttons))
    data = school.app.bot_data
    secret = data.poll_secret
    async with data.sessions() as session:
        people = list(await session.exec(select(Member)))
        personal = {str(v) for m in people for v in (m.telegram_id, m.chat_id)}
        personal |= {m.first_name for m in people}
        rows = {
            table: [dict(r._mapping) for r in await session.exec(text(f"SELECT * FROM {table}"))]  # type: ignore[call-overload]
            for table in ("poll_participation", "poll_response", "poll_answer")
        }
        everything = []
        for table in SQLModel.metadata.sorted_tables:
            everything += [
                str(v) for r in await session.exec(text(f"SELECT * FROM {table.name}")) for v in r
            ]  # type: ignore[call-overload]
    columns = {c for table_rows in rows.values() for r in table_rows for c in r}
    assert not any(
        word in c for c in columns for word in ("user", "member", "chat", "message", "_at", "time")
    )
    for table_rows in rows.values():
        for r in table_rows:
            assert not {str(v) for v in r.values()} & personal
    assert all(
        isinstance(r["day"], date) or len(str(r["day"])) == 10 for r in rows["poll_response"]
    )
    for r in rows["poll_response"] + rows["poll_answer"]:
        assert uuid.UUID(hex=r["id"]).version == 4
    keys = {r["key"] for r in rows["poll_participation"]}
    assert len(keys) == 5
    # Only the secret turns a Telegram id into a key; a plain hash or a guessed secret does not.
    parents = [m for m in people if m.role == "parent"]
    assert sum(participation_key(secret, poll_id, m.telegram_id) in keys for m in parents) == 5
    assert not any(participation_key(b"guess" * 8, poll_id, m.telegram_id) in keys for m in parents)
    plain = {
        hashlib.sha256(f"poll:{poll_id}:user:{m.telegram_id}".encode()).hexdigest() for m in parents
    }
    assert not plain & keys
    assert not any(secret.decode() in value for value in everything)
    if school.app.bot_data.settings.db_url.startswith(
        "sqlite"
    ):  # stored in key order, not arrival order
        async with data.sessions() as session:
            ids = [r[0] for r in await session.exec(text("SELECT id FROM poll_answer"))]  # type: ignore[call-overload]
            assert ids == sorted(ids)
            found = await session.exec(
                text("SELECT sql FROM sqlite_master WHERE name = 'poll_answer'")
            )  # type: ignore[call-overload]
            assert "WITHOUT ROWID" in found.one()[0]


async def test_bad_presses_get_a_clear_answer(school: School, class_1a: dict[str, SimUser]) -> None:
    """Forged data, a parent of another class, a closed poll, /forget: clear answers, nothing lost."""
    sofie = class_1a["sofie"]
    await school.new_class(sofie, "3B")
    outsider = await school.parent("Carlos", "es", "3B")
    await sofie.send("/polls")
    await sofie.press("pn:hear")
    draft = await sofie.wait_for_message(lambda m: has_data(m, "pl:"))
    poll_id = int(
        next(b.value for row in draft.buttons for b in row if b.value.startswith("pl:"))[3:]
    )
    class_3b = await school.class_row("3B")
    await sofie.press(f"pc:{poll_id}:{class_3b.id}", message=draft)  # only 1A now
    await sofie.wait_for(lambda u: "1A (" in draft.text or "1A" in draft.text.split("\n")[2])
    await sofie.press(f"pv:{poll_id}:ar", message=draft)
    preview = await sofie.wait_for_message(lambda m: "🤖" in m.text)
    assert school.t("ar", "poll.start_button") not in preview.text
    assert "عبر هذا البوت" in preview.text
    await sofie.press(school.t("nl", "poll.launch_button"), message=draft)
    await sofie.wait_for(lambda u: school.t("nl", "poll.launched", count=6) in draft.text)
    for data in (
        f"pg:{poll_id}",
        f"pq:{poll_id}:channel:bot",
        "pq:99999:channel:bot",
        "pq:x:y",
        f"pl:{poll_id}",
    ):
        cb = await outsider.press_data(data)
        assert (await outsider.wait_callback_answer(cb)).text == school.t(
            "es", "error.stale_button"
        ), data
    amina = class_1a["Amina"]
    msg = await invitation(amina, poll_id)
    cb = await amina.press_data(f"pq:{poll_id}:channel:bot", msg)  # before Start
    assert (await amina.wait_callback_answer(cb)).text == school.t("ar", "error.stale_button")
    # A long free text and an emoji-only one are kept; the poll goes on.
    long_text = "ا" * 4096
    done = await answer(
        school, amina, "ar", poll_id, [("other", long_text), ("other", "🙂🙂"), "weekly"]
    )
    assert any(m.text == school.t("ar", "poll.text_cut", limit=2000) for m in amina.messages)
    await amina.wait_for(lambda u: any("🙏" in m.text for m in u.messages[-2:]))
    async with school.app.bot_data.sessions() as session:  # held back: 1 respondent of k = 5
        assert not list(await session.exec(select(PollAnswer)))
        texts = sorted((a.text or "") for a in await session.exec(select(PollPending)) if a.text)
    assert texts == sorted(["🙂🙂", "ا" * 2000])
    # /forget keeps the keyed participation record (nothing personal without the secret: she
    # cannot answer twice after joining again) and the anonymous answers.
    await amina.send("/forget")
    await amina.press("forget:yes")
    await amina.wait_for(lambda u: any(m.text == school.t("ar", "forget.done") for m in u.messages))
    async with school.app.bot_data.sessions() as session:
        assert len(list(await session.exec(select(PollParticipation)))) == 1
        assert len(list(await session.exec(select(PollPending)))) == 3
    # Closing by hand: a late press gets "closed"; what was held back is counted now.
    await sofie.press_data(f"pz:{poll_id}")
    await sofie.wait_for_message(lambda m: "🔒" in m.text and "/polls" in m.text)
    async with school.app.bot_data.sessions() as session:
        assert len(list(await session.exec(select(PollAnswer)))) == 3
        assert not list(await session.exec(select(PollPending)))
    mehmet = class_1a["Mehmet"]
    late = await invitation(mehmet, poll_id)
    cb = await mehmet.press(school.t("tr", "poll.start_button"), message=late)
    assert (await mehmet.wait_callback_answer(cb)).text == school.t("tr", "poll.closed")
    async with school.app.bot_data.sessions() as session:
        poll = await session.get(Poll, poll_id)
        assert poll is not None and poll.status == PollStatus.CLOSED
    del done


async def test_export_in_the_bot_puts_the_dutch_translation_beside_the_original(
    school: School, model_files: Path
) -> None:
    """Ten parents answer; Mehmet writes in Turkish; /export sends XLSX and CSV with the Dutch beside it."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    families = [(f"Ouder {n}", "nl") for n in range(9)] + [("Mehmet", "tr")]
    people = [(await school.parent(name, lang, "1A"), lang) for name, lang in families]
    poll_id = await launch(school, sofie, "moments", parents=10)
    for user, lang in people:
        first: Pick = ("other", "Okulda yemek yapmak isterim.") if lang == "tr" else ["coffee"]
        done = await answer(school, user, lang, poll_id, [first, ["wed"], ["morning"]])
        await user.wait_for(lambda u: done.text.startswith("🙏"))
    await sofie.send("/export")
    await sofie.press(school.t("nl", "poll.export_xlsx"))
    sheet = await sofie.wait_for_message(lambda m: (m.file_name or "").endswith(".xlsx"))
    assert sheet.file_name == f"poll-{poll_id}-moments.xlsx" and sheet.file_id is not None
    book = load_workbook(io.BytesIO(school.tg.files[sheet.file_id].data))
    texts = [[c.value for c in row] for row in book["Eigen antwoorden"].iter_rows()]
    question = school.app.bot_data.flows["moments"].questions[0].text["nl"]
    # One Turkish parent among ten: the language is not named (fewer than k = 5 share it).
    other = school.t("nl", "poll.other_language")
    assert texts[1][:3] == [question, other, "Okulda yemek yapmak isterim."]
    assert "[en>nl]" in str(texts[1][3])
    totals = [[c.value for c in row] for row in book["Totalen"].iter_rows()]
    assert ["Hele school", question, "☕ Koffieochtend", 9, 90] in totals
    await sofie.press(school.t("nl", "poll.export_csv"))
    await sofie.wait_for(
        lambda u: sum((m.file_name or "").startswith("poll-") for m in u.messages) == 3
    )
    names = [m.file_name for m in sofie.messages if (m.file_name or "").startswith("poll-")]
    assert sorted(names) == sorted(
        [f"poll-{poll_id}-moments{s}" for s in (".xlsx", "-totals.csv", "-texts.csv")]
    ), names
