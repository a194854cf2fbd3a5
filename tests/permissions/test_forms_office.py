"""Permission forms seen by the office and read in another language: a coordinator finds every
form of the school under /form, with its list and CSV (another class's teacher does not); a
machine-translated copy always carries the Dutch question under it, also when /dutchoriginal is
off (forms have no 🔤 button).

The clock starts on Monday 23 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.demo.school import School
from tests.helpers.argos_model import install_translation_models
from tests.permissions.test_forms import SWIM, send_form

FRENCH = "Mag Claire vrijdag mee naar het zwembad?"


async def test_the_office_sees_and_exports_every_form_of_the_school(school: School) -> None:
    """Juf Lies asks 1A about swimming; Sofie (the office) opens its list from /form and exports
    it; Meester Jan of 2B gets neither, even with a forged button."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2B")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    jan = await school.teacher(sofie, "Meester Jan", "2B")
    mehmet = await school.parent("Mehmet", "tr", "1A", child="Adam")
    await school.parent("Tom", "nl", "1A", child="Lotte")
    form_id = await send_form(school, lies, SWIM)
    copy = await mehmet.expect_text("Mag Adam vrijdag mee naar het zwembad?")
    await mehmet.press(school.t("tr", "form.yes"), message=copy)

    await sofie.send("/form")
    menu = await sofie.expect_text(school.t("nl", "form.choose_class"))
    await sofie.press("📋 Mag {child} vrijdag", message=menu)
    listed = await sofie.expect_text("⏳ Lotte (1A)")
    assert "✅ Adam (1A)" in listed.text
    await sofie.press(school.t("nl", "form.export_button"), message=listed)
    name = f"form-{form_id}.csv"
    await sofie.wait_for(lambda u: any(m.file_name == name for m in u.messages))
    sheet = next(m for m in sofie.messages if m.file_name == name)
    raw = school.tg.files[sheet.file_id].data  # type: ignore[index]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert ["Adam", "", "1A", "ja"] in rows and ["Lotte", "", "1A", "nog niet"] in rows

    await jan.send("/form")
    theirs = await jan.expect_text(school.t("nl", "form.choose_class"))
    assert not [label for label in theirs.labels if label.startswith("📋")]
    for action in ("l", "e"):
        cb = await jan.press_data(f"pf:{action}:{form_id}:0")
        assert (await jan.wait_callback_answer(cb)).text == school.t("nl", "error.stale_button")
    assert not [m for m in jan.messages if m.file_name == name]


async def test_a_translated_form_shows_the_dutch_question_below_as_the_school_chose(
    school: School, model_files: Path
) -> None:
    """Claire reads French: her copy is machine-translated and the Dutch question follows under
    it; after /dutchoriginal off (announcements then keep the Dutch one 🔤 tap away) the next form
    still carries it below: a form's copy has no 🔤 button, so the Dutch stays in the text."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    claire = await school.parent("Claire", "fr", "1A", child="Claire")
    await school.parent("Tom", "nl", "1A", child="Lotte")
    below = school.t("fr", "announce.original_below")
    await send_form(school, lies, SWIM)
    copy = await claire.expect_text("[nl>fr]")
    assert copy.text.endswith(below + "\n" + FRENCH)
    assert copy.text.index("[nl>fr]") < copy.text.index(below)

    await sofie.send("/dutchoriginal off")
    await sofie.expect_text(school.t("nl", "school.dutch_original_off"))
    await send_form(school, lies, "Mag {child} zaterdag mee naar het museum?")
    second = await claire.expect_text("museum")  # the next copy: the Dutch still under it
    assert "[nl>fr]" in second.text and below in second.text
