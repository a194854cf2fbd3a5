"""Stories of a coordinator adapting a poll in the bot: the school's own copy, translated, launched."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.demo.school import School
from bot.models import Poll, PollAnswer, SchoolFlow
from bot.simulator import BotMessage, SimUser
from tests.helpers.argos_model import install_translation_models
from tests.helpers.polls import adapt, answer, has_data, invitation, launch, type_text

# The test models reach these languages from Dutch (directly or through English); the others
# (es, ru, fa, so, ti, ps) get the Dutch text.
FAMILIES = [("Mehmet", "tr"), ("Tom", "nl"), ("Kasia", "pl"), ("Hodan", "so"), ("Olena", "uk")]
NEW_OPTION = "🚲 De school is te ver"
NEW_QUESTION = "Wat zou jou helpen om naar school te komen?"


def names(school: School, codes: list[str]) -> str:
    """Languages as the bot lists them to a Dutch coordinator (Dutch names, their own beside)."""
    return ", ".join(school.app.bot_data.catalogs.language_name(c, "nl") for c in codes)


async def alert(user: SimUser, data: str, message: BotMessage | None = None) -> str:
    """Press a button (by its data) and return the pop-up the bot answers with."""
    cb = await user.press_data(data, message)
    return (await user.wait_callback_answer(cb)).text or ""


@pytest.fixture
async def class_1a(school: School, model_files: Path) -> dict[str, SimUser]:
    """A coordinator, five families of 1A in five languages, translation models installed."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {"sofie": sofie}
    for name, lang in FAMILIES:
        people[name] = await school.parent(name, lang, "1A")
    return people


async def test_a_coordinator_adapts_the_barriers_poll_and_parents_answer_the_adapted_questions(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Leave a question out, add an answer, reword a question in Dutch, preview in Turkish, launch;
    parents read the reworded question in their language (Dutch without a model); results and the
    export show the adapted questions; the launched copy is frozen and can be copied again."""
    sofie = class_1a["sofie"]
    own_id, view = await adapt(school, sofie, "barriers")
    untranslated = names(school, ["es", "ru", "fa", "so", "ti", "ps"])
    assert school.t("nl", "poll.edit_languages", languages=untranslated) in view.text
    assert "✅ 2. Hoe vaak kom je naar activiteiten op school?" in view.text

    # Question 2 is left out.
    await sofie.press(school.t("nl", "poll.edit_keep", number=2), message=view)
    await sofie.wait_for(lambda u: "🚫 2. Hoe vaak" in view.text)
    assert school.t("nl", "poll.edit_left_out", number=2) in view.labels

    # An answer is added to question 1: a message without words, then one too long, then right.
    await sofie.press(school.t("nl", "poll.edit_question_button", number=1), message=view)
    await sofie.wait_for(lambda u: school.t("nl", "poll.edit_add_option") in str(view.labels))
    said = await type_text(sofie, f"pa:ao:{own_id}:hard", "🚲")
    assert said.text == school.t("nl", "poll.edit_empty")
    await sofie.send("🚲 " + "heel ver weg " * 4)
    await sofie.expect_text(school.t("nl", "poll.edit_too_long", length=51, limit=40))
    await sofie.send(NEW_OPTION)
    saved = await sofie.expect_text(school.t("nl", "poll.edit_saved_dutch", languages=untranslated))
    assert NEW_OPTION in saved.text and "✏️ " + NEW_OPTION in saved.labels

    # Question 3 is reworded in Dutch.
    await sofie.press(f"pa:v:{own_id}", message=saved)
    await sofie.press(f"pa:q:{own_id}:help", message=saved)
    said = await type_text(sofie, f"pa:rq:{own_id}:help", NEW_QUESTION)
    assert said.text.startswith(school.t("nl", "poll.edit_saved_dutch", languages=untranslated))
    assert NEW_QUESTION in said.text

    # The preview in Turkish: two questions, the new ones machine-translated (nl>en>tr).
    await sofie.press_data(f"pa:pv:{own_id}:tr", said)
    preview = await sofie.wait_for_message(lambda m: m.text.startswith("🚧"))
    assert "1. Okul etkinliklerine gelmeyi ne zorlaştırıyor?" in preview.text
    assert "🚲 [en>tr]" in preview.text and "2. [en>tr]" in preview.text
    assert "Okul etkinliklerine ne sıklıkla" not in preview.text

    # Launched like a shipped poll: the copy is now frozen.
    poll_id = await launch(school, sofie, f"own-{own_id}", parents=5)
    for data in (f"pa:k:{own_id}:hard", f"pa:ao:{own_id}:hard", f"pa:del:{own_id}"):
        assert await alert(sofie, data, said) == school.t("nl", "poll.edit_locked"), data

    picks = {"Mehmet": [["n1", "language"], ["interpreter"]], "Tom": [["n1"], ["time"]]}
    picks |= {"Kasia": [["hours"], ["kids"]], "Hodan": [["n1"], None], "Olena": [None, ["time"]]}
    for name, lang in FAMILIES:
        parent = class_1a[name]
        msg = await invitation(parent, poll_id)
        assert (
            school.t(lang, "poll.invite", emoji="", title="", count=2, date="").splitlines()[3]
            in msg.text
        )
        done = await answer(school, parent, lang, poll_id, picks[name])  # type: ignore[arg-type]
        await parent.wait_for(lambda u: done.text.startswith("🙏"))
        asked = [text for m in parent.messages for text in (*m.history, m.text) if "2/2" in text]
        second = {"nl": NEW_QUESTION, "so": NEW_QUESTION}.get(lang, "[en>tr]")
        if lang in ("pl", "uk"):
            second = f"[en>{lang}]"
        assert any(second in text for text in asked), (name, asked)

    async with school.app.bot_data.sessions() as session:
        given = list(await session.exec(select(PollAnswer)))
        poll = await session.get(Poll, poll_id)
    assert {a.question_id for a in given} == {"hard", "help"}
    assert sorted(a.option_id for a in given if a.option_id == "n1") == ["n1"] * 3
    assert poll is not None and poll.definition is not None
    assert [q["id"] for q in json.loads(poll.definition)["questions"]] == ["hard", "help"]

    # Results and export: the adapted questions.
    await sofie.press_data(f"pr:{poll_id}")
    report = await sofie.wait_for_message(lambda m: m.text.startswith("🚧") and "❓" in m.text)
    assert f"{NEW_OPTION}: 3 (75%)" in report.text  # four answered question 1
    assert f"❓ {NEW_QUESTION} (4)" in report.text and "Hoe vaak" not in report.text
    await sofie.press(school.t("nl", "poll.export_xlsx"), message=report)
    sheet = await sofie.wait_for_message(lambda m: (m.file_name or "").endswith(".xlsx"))
    assert sheet.file_name == f"poll-{poll_id}-own-{own_id}.xlsx" and sheet.file_id is not None
    book = load_workbook(io.BytesIO(school.tg.files[sheet.file_id].data))
    totals = [[c.value for c in row] for row in book["Totalen"].iter_rows()]
    assert any(row[2:4] == [NEW_OPTION, 3] for row in totals), totals
    assert any(row[1] == NEW_QUESTION for row in totals)

    # A copy of the launched poll can be changed again; the launched one is listed under /polls.
    await sofie.press_data(f"pa:dup:{own_id}", said)
    copy = await sofie.wait_for_message(lambda m: has_data(m, "pa:k:") and "🚫 2." in m.text)
    assert not any(f":{own_id}:" in b.value for row in copy.buttons for b in row)
    await sofie.send("/polls")
    menu = await sofie.wait_for_message(lambda m: has_data(m, f"pn:own-{own_id}"))
    assert has_data(menu, f"pr:{poll_id}") and has_data(menu, "pa:new:barriers")
    async with school.app.bot_data.sessions() as session:
        rows = list(await session.exec(select(SchoolFlow).order_by(SchoolFlow.id)))  # type: ignore[arg-type]
    assert [r.launched for r in rows] == [True, False]


async def test_limits_stale_buttons_and_deleting_get_clear_answers(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Too many answers, too few answers or questions, a teacher or forged data, a deleted copy:
    a clear answer each time, and nothing changes."""
    sofie, tom = class_1a["sofie"], class_1a["Tom"]
    own_id, view = await adapt(school, sofie, "barriers")
    # Question 1 has 9 answers: one more fits, an eleventh does not.
    await sofie.press(f"pa:q:{own_id}:hard", message=view)
    said = await type_text(sofie, f"pa:ao:{own_id}:hard", "Geen zin")
    assert "🔹 Geen zin" in said.text and not has_data(said, f"pa:ao:{own_id}")
    assert await alert(sofie, f"pa:ao:{own_id}:hard", said) == school.t(
        "nl", "poll.edit_too_many_options", max=10
    )
    # Question 2 has 4 answers: two can go, the last two stay.
    await sofie.press(f"pa:v:{own_id}", message=said)
    await sofie.press(f"pa:q:{own_id}:often", message=said)
    for option in ("never", "rarely"):
        await sofie.press(f"pa:xo:{own_id}:often:{option}", message=said)
        await sofie.wait_for(lambda u: f":{option}" not in str(said.buttons))
    assert await alert(sofie, f"pa:xo:{own_id}:often:often", said) == school.t(
        "nl", "poll.edit_min_options", min=2
    )
    # Questions can be left out until one is left.
    await sofie.press(f"pa:v:{own_id}", message=said)
    for qid in ("hard", "often"):
        await sofie.press(f"pa:k:{own_id}:{qid}", message=said)
        await sofie.wait_for(lambda u: f"🚫 {1 if qid == 'hard' else 2}." in said.text)
    assert await alert(sofie, f"pa:k:{own_id}:help", said) == school.t(
        "nl", "poll.edit_min_questions"
    )
    # A question of 201 characters is too long; the thank-you line is reworded.
    await sofie.press(f"pa:q:{own_id}:help", message=said)
    long = await type_text(sofie, f"pa:rq:{own_id}:help", "Waarom " + "x" * 194)
    assert long.text == school.t("nl", "poll.edit_too_long", length=201, limit=200)
    await sofie.send("/cancel")
    await sofie.expect_text(school.t("nl", "common.cancelled"))
    await sofie.press_data(f"pa:v:{own_id}", said)
    await sofie.wait_for(lambda u: has_data(said, f"pa:ru:{own_id}"))
    outcome = await type_text(
        sofie, f"pa:ru:{own_id}", "We bespreken alles op de oudercontactavond."
    )
    assert "🙏 Slotzin: We bespreken alles op de oudercontactavond." in outcome.text

    # A parent or forged data: the stale-button answer.
    stale = school.t("nl", "error.stale_button")
    assert await alert(tom, "pa:new:barriers") == stale
    assert await alert(sofie, "pa:k:x:hard", said) == stale
    assert await alert(sofie, "pa:new:nothing", said) == stale
    assert await alert(sofie, f"pa:xo:{own_id}:often:gone", said) == stale

    # A draft made from the copy follows later changes, until it is launched.
    await sofie.press_data(f"pn:own-{own_id}", outcome)
    draft = await sofie.wait_for_message(lambda m: has_data(m, "pl:"))
    said = await type_text(sofie, f"pa:rt:{own_id}", "Wat houdt je weg van school?")
    dutch = names(school, ["es", "ru", "fa", "so", "ti", "ps"])
    assert said.text.startswith(school.t("nl", "poll.edit_saved_dutch", languages=dutch))
    async with school.app.bot_data.sessions() as session:
        drafted = (await session.exec(select(Poll))).one()
    assert drafted.definition is not None
    assert json.loads(drafted.definition)["title"]["nl"] == "Wat houdt je weg van school?"

    # A reword is pending while the copy is deleted elsewhere: the text gets a clear answer.
    await sofie.press_data(f"pa:rt:{own_id}", outcome)
    await sofie.wait_for_message(lambda m: "/cancel" in m.text)
    await sofie.press_data(f"pa:del:{own_id}", outcome)
    await sofie.wait_for(lambda u: has_data(outcome, f"pa:dely:{own_id}"))
    await sofie.press(school.t("nl", "common.yes"), message=outcome)
    await sofie.wait_for(lambda u: outcome.text == school.t("nl", "poll.edit_deleted"))
    await sofie.send("Een nieuwe titel")
    await sofie.expect_text(school.t("nl", "poll.edit_gone"))
    gone = school.t("nl", "poll.edit_gone")
    for data in (f"pa:k:{own_id}:hard", f"pa:v:{own_id}", f"pn:own-{own_id}", f"pa:dup:{own_id}"):
        assert await alert(sofie, data, said) == gone, data
    assert await alert(sofie, f"pl:{drafted.id}", draft) == stale  # its draft was cancelled
    async with school.app.bot_data.sessions() as session:
        assert list(await session.exec(select(SchoolFlow))) == []
