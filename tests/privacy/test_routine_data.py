"""/mydata shows a guardian what the school routines keep of them: the absence notes they reported
(child, days, reason, their own words) and the form answers they gave (question, child, yes/no).

The clock starts on Monday 23 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

from datetime import date

from bot.absences.views import days
from bot.demo.school import School
from bot.permissions.views import deadline
from tests.permissions.test_forms import CLOSES, SWIM, send_form

MONDAY = date(2026, 11, 23)
WORDS = "Oğlumun ateşi var."


async def test_mydata_lists_absence_notes_and_form_answers(school: School) -> None:
    """Mehmet reports Adam sick with a few words and says yes to the swimming form; his /mydata
    lists both, in Turkish; Tom, who did neither, sees no such section."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A", child="Adam")
    tom = await school.parent("Tom", "nl", "1A", child="Lotte")
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.today"))
    await mehmet.press(school.t("tr", "absence.reason_sick"))
    await lies.expect_text(days(MONDAY, MONDAY, "nl"))
    await mehmet.send(WORDS)
    await mehmet.expect_text(school.t("tr", "absence.words_received"))
    await send_form(school, lies, SWIM)
    copy = await mehmet.expect_text("Mag Adam vrijdag mee naar het zwembad?")
    await mehmet.press(school.t("tr", "form.yes"), message=copy)
    closes = deadline(school.app.bot_data, CLOSES, "tr")
    yes = school.t("tr", "form.answered", answer=school.t("tr", "form.yes"), deadline=closes)
    await mehmet.expect_text(yes)

    await mehmet.send("/mydata")
    shown = await mehmet.expect_text(school.t("tr", "mydata.absences"))
    sick = school.t("tr", "absence.reason_sick")
    line = school.t("tr", "mydata.absence", child="Adam", days=days(MONDAY, MONDAY, "tr"), reason=sick)  # fmt: skip
    assert line in shown.text
    assert school.t("tr", "mydata.absence_words", text=WORDS) in shown.text
    assert school.t("tr", "mydata.forms") in shown.text
    answer = school.t(
        "tr", "mydata.form_answer", child="Adam", answer=school.t("tr", "form.yes"),
        question="Mag Adam vrijdag mee naar het zwembad?",
    )  # fmt: skip
    assert answer in shown.text
    await tom.send("/mydata")
    mine = await tom.expect_text(school.t("nl", "mydata.families"))
    assert school.t("nl", "mydata.absences") not in mine.text
    assert school.t("nl", "mydata.forms") not in mine.text
