"""Stories of the translation status told truthfully (issue 15): the preview, the report, each
parent's copy, the answer confirmation and the withdrawal all say who reads what, and why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.demo.school import School
from bot.simulator import BotMessage, SimUser
from bot.translation.manage import install_from_dir

TEXT = "Beste ouders, morgen is er toets wiskunde. Breng een rekenmachine mee!"
ARABIC = "[en>ar]"  # the marker model's translation of each sentence


@pytest.fixture(name="class_3b")
async def translation_class_3b(
    school: School, model_files: Path, tmp_path: Path
) -> dict[str, SimUser]:
    """Class 3B: Arabic (a model exists), Somali (none), Polish with English as second language
    (the school has no Polish model), and Tom, who reads Dutch."""
    services = school.app.bot_data
    chosen = tmp_path / "models_without_polish"
    chosen.mkdir()
    for file in model_files.iterdir():
        if "en_pl" not in file.name:
            shutil.copy(file, chosen / file.name)
    install_from_dir(services.settings.models_data_dir, chosen)
    assert services.translator is not None
    services.translator.reload_models()
    sofie = await school.coordinator()
    await school.new_class(sofie, "3B")
    people = {"sofie": sofie, "lies": await school.teacher(sofie, "Juf Lies", "3B")}
    for name, lang, second in [
        ("Amina", "ar", None),
        ("Hodan", "so", None),
        ("Marek", "pl", "en"),
        ("Tom", "nl", None),
    ]:
        people[name] = await school.parent(name, lang, "3B", second=second)
    return people


def status_lines(school: School, *, own: str, own_count: int = 2) -> list[str]:
    """The lines the teacher reads in the preview and in the report."""
    return [
        school.t("nl", "status.own", count=own_count, languages=own),
        school.t("nl", "status.second", count=1, languages="Pools → Engels 1"),
        school.t("nl", "status.no_model", count=1, languages="Somalisch 1"),
    ]


def is_copy(message: BotMessage) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(message.buttons)


def button_texts(message: BotMessage) -> list[str]:
    """The labels of a message's buttons."""
    return [text for row in message.buttons for text, _ in row]


async def preview_of(school: School, teacher: SimUser, text: str = TEXT) -> BotMessage:
    """The teacher writes; the preview with Send now."""
    await teacher.send(text)
    return await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))


async def final_report(school: School, teacher: SimUser) -> BotMessage:
    """The author's report once all four copies went out."""
    head = school.t("nl", "announce.report", classes="3B", sent=4, total=4, seen=0, failed=0)
    return await teacher.wait_for_message(
        lambda m: "ann:wd:" in str(m.buttons) and m.text.startswith(head), timeout=10
    )


async def test_preview_report_and_copies_say_who_reads_it_in_which_language(
    school: School, class_3b: dict[str, SimUser]
) -> None:
    """Before sending, Juf Lies reads exactly who gets Arabic and Dutch in their language, who
    English instead of Polish, and that Hodan gets Dutch for want of a Somali model; the report
    says the same; Hodan's and Marek's copies start with a line saying it is not translated."""
    lies = class_3b["lies"]
    preview = await preview_of(school, lies)
    expected = status_lines(school, own="Arabisch 1, Nederlands 1")
    for line in expected:
        assert line in preview.text, (line, preview.text)
    assert "elk in hun taal" not in preview.text
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    report = await final_report(school, lies)
    for line in expected:
        assert line in report.text, (line, report.text)

    hodan = await class_3b["Hodan"].wait_for_message(is_copy, timeout=10)
    assert hodan.text.splitlines()[0] == school.t("so", "status.note_dutch")
    assert TEXT in hodan.text
    marek = await class_3b["Marek"].wait_for_message(is_copy, timeout=10)
    assert marek.text.splitlines()[0] == school.t("pl", "status.note_second", language="English")
    assert "[nl>en]" in marek.text
    amina = await class_3b["Amina"].wait_for_message(is_copy, timeout=10)
    assert amina.text.splitlines()[0] == school.t(
        "ar", "announce.from", sender="Juf Lies", classes="3B"
    )
    tom = await class_3b["Tom"].wait_for_message(is_copy, timeout=10)
    assert tom.text.splitlines()[0] == school.t(
        "nl", "announce.from", sender="Juf Lies", classes="3B"
    )
    assert school.t("nl", "status.note_dutch") not in tom.text


async def test_the_dutch_original_under_the_translation_on_off_and_when_too_long(
    school: School, class_3b: dict[str, SimUser]
) -> None:
    """By default Amina's copy carries the school's Dutch text under the Arabic, marked as a
    translation and without the 🔤 button; switched off, the 🔤 button is back; a text too long
    for both in one message falls back to the button."""
    lies, sofie, amina = class_3b["lies"], class_3b["sofie"], class_3b["Amina"]
    await lies.press(school.t("nl", "announce.send_now"), message=await preview_of(school, lies))
    copy = await amina.wait_for_message(is_copy, timeout=10)
    assert copy.text.index(ARABIC) < copy.text.index(school.t("ar", "announce.original_below"))
    assert copy.text.endswith(school.t("ar", "announce.original_below") + "\n" + TEXT)
    assert school.t("ar", "announce.machine_mark_below") in copy.text
    assert school.t("ar", "announce.button_original") not in button_texts(copy)

    await sofie.send("/dutchoriginal off")
    await sofie.expect_text(school.t("nl", "school.dutch_original_off"))
    second = "Vrijdag is er een feest. Iedereen is welkom!"
    await lies.press(
        school.t("nl", "announce.send_now"), message=await preview_of(school, lies, second)
    )
    copy = await amina.wait_for_message(
        lambda m: is_copy(m) and second not in m.text and "🔤" in str(button_texts(m)), timeout=10
    )
    assert school.t("ar", "announce.original_below") not in copy.text
    assert school.t("ar", "announce.machine_mark") in copy.text

    await sofie.send("/dutchoriginal on")
    await sofie.expect_text(school.t("nl", "school.dutch_original_on"))
    long_text = "Morgen is er turnen in de zaal. " * 110  # 3,520 characters of Dutch
    await lies.press(
        school.t("nl", "announce.send_now"), message=await preview_of(school, lies, long_text)
    )
    await amina.wait_for(lambda u: len([m for m in u.messages if is_copy(m)]) == 3, timeout=10)
    last = [m for m in amina.messages if is_copy(m)][-1]
    assert (
        last.text.count("[en>ar]") == 110
        and school.t("ar", "announce.original_below") not in last.text
    )
    assert school.t("ar", "announce.button_original") in button_texts(last)
    assert len(last.text) <= 4096


async def test_a_translation_failing_at_send_time_is_told_not_hidden(
    school: School, class_3b: dict[str, SimUser]
) -> None:
    """The preview promised Arabic, but the Arabic model breaks before sending: Amina's copy says
    it is the Dutch message, and the report counts her in Dutch because the translation failed."""
    lies, amina = class_3b["lies"], class_3b["Amina"]
    preview = await preview_of(school, lies)
    assert (
        school.t("nl", "status.own", count=2, languages="Arabisch 1, Nederlands 1") in preview.text
    )
    translator = school.app.bot_data.translator
    assert translator is not None
    shutil.rmtree(translator.engine.pairs()[("en", "ar")].path)  # the model folder is gone
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    report = await final_report(school, lies)
    assert school.t("nl", "status.failed", count=1, languages="Arabisch 1") in report.text
    assert school.t("nl", "status.own", count=1, languages="Nederlands 1") in report.text
    copy = await amina.wait_for_message(is_copy, timeout=10)
    assert copy.text.splitlines()[0] == school.t("ar", "status.note_dutch")
    assert TEXT in copy.text and ARABIC not in copy.text


async def test_the_answer_confirmation_says_what_the_parent_got(
    school: School, class_3b: dict[str, SimUser]
) -> None:
    """Juf Lies answers Hodan: she is told it went in Dutch for want of a Somali model, and
    Hodan's answer opens with the line that it is not translated yet; Amina's is translated."""
    lies, hodan, amina = class_3b["lies"], class_3b["Hodan"], class_3b["Amina"]
    for parent, lang, words in ((hodan, "so", "Subax wanaagsan"), (amina, "ar", "صباح الخير")):
        await parent.send(words)
        await parent.expect_text(school.t(lang, "conversation.received", who="Juf Lies"))
    await lies.wait_for(
        lambda u: len([m for m in u.messages if "conv:ans:" in str(m.buttons)]) == 2
    )
    notes = [m for m in lies.messages if "conv:ans:" in str(m.buttons)]

    await lies.press(school.t("nl", "inbox.answer_button"), message=notes[0])
    asked = await lies.expect_text(
        school.t("nl", "inbox.answer_prompt", name="Hodan", language="Somalisch")
    )  # no promise of a translation that cannot be made
    assert school.t("nl", "status.one_no_model", wanted="Somalisch") in asked.text
    await lies.send("Dank je, tot morgen.")
    sent = await lies.expect_text(school.t("nl", "inbox.answer_sent", name="Hodan"))
    assert school.t("nl", "status.one_no_model", wanted="Somalisch") in sent.text
    answer = await hodan.expect_text("Dank je, tot morgen.")
    assert answer.text.splitlines()[0] == school.t("so", "status.note_dutch")

    await lies.press(school.t("nl", "inbox.answer_button"), message=notes[1])
    await lies.send("Dank je, tot morgen.")
    sent = await lies.wait_for_message(
        lambda m: m.text.startswith(school.t("nl", "inbox.answer_sent", name="Amina"))
    )
    assert school.t("nl", "status.one_translated", language="Arabisch") in sent.text
    answer = await amina.wait_for_message(lambda m: "cans:orig:" in str(m.buttons))
    assert school.t("ar", "status.note_dutch") not in answer.text and "[en>ar]" in answer.text


async def test_a_withdrawn_message_leaves_a_line_saying_so(
    school: School, class_3b: dict[str, SimUser]
) -> None:
    """Juf Lies withdraws 'toets wiskunde morgen': the copies vanish, and every parent who got
    it reads one line, in their language, quoting the message that was withdrawn."""
    lies, amina, tom = class_3b["lies"], class_3b["Amina"], class_3b["Tom"]
    await lies.press(school.t("nl", "announce.send_now"), message=await preview_of(school, lies))
    report = await final_report(school, lies)
    amina_copy = await amina.wait_for_message(is_copy, timeout=10)
    await lies.press(school.t("nl", "announce.button_withdraw"), message=report)
    await lies.press(school.t("nl", "announce.withdraw_yes"))
    await amina.wait_for(lambda u: amina_copy.deleted, timeout=10)
    arabic = amina_copy.text.split("\n\n")[1]  # the translation, as Amina read it
    assert ARABIC in arabic
    line = school.t("ar", "announce.withdrawn_line", sender="Juf Lies", classes="3B", start=arabic)
    await amina.expect_text(line, timeout=10)
    line = school.t("nl", "announce.withdrawn_line", sender="Juf Lies", classes="3B", start=TEXT)
    await tom.expect_text(line, timeout=10)
    await class_3b["Hodan"].expect_text(
        school.t("so", "announce.withdrawn_line", sender="Juf Lies", classes="3B", start=TEXT)
    )
