"""Stories of permission forms (issue 18): a teacher asks yes/no about each child of a class, any
guardian answers and may change it until the deadline (not anonymous), one reminder, the list and
its CSV, a clear answer after the deadline; photo consent shows under a photo's preview.

The clock starts on Monday 23 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.families import service as families
from bot.models import FormAnswer, Guardian, PermissionForm
from bot.permissions.views import deadline
from bot.simulator import SimUser

SWIM = "Mag {child} vrijdag mee naar het zwembad?"
PHOTOS = "Mag de school foto's van {child} op de website zetten?"
CLOSES = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # a week later, 18:00 in Brussels


@pytest.fixture
async def class_1a(school: School) -> dict[str, SimUser]:
    """Class 1A: Juf Lies; Mehmet (Turkish), father of Adam; Tom (Dutch), father of Lotte."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    return {
        "lies": await school.teacher(sofie, "Juf Lies", "1A"),
        "mehmet": await school.parent("Mehmet", "tr", "1A", child="Adam"),
        "tom": await school.parent("Tom", "nl", "1A", child="Lotte"),
    }


async def send_form(school: School, lies: SimUser, question: str, *, photo: bool = False) -> int:
    """Juf Lies: /form, 1A, the question, (photo consent), Send. Returns the form's id."""
    await lies.send("/form")
    await lies.press("1A")
    await lies.expect_text(school.t("nl", "form.type_question", child="{child}"))
    await lies.send(question)
    guardians = school.tn("nl", "form.guardians", 2, count=2)
    await lies.expect_text(f"({guardians})")
    if photo:
        await lies.press(school.t("nl", "form.photo_button"))
        marked = "✅ " + school.t("nl", "form.photo_button")
        await lies.wait_for_message(lambda m: marked in m.labels)
    week = school.tn("nl", "form.in_days", 7, count=7)
    await lies.press(week)  # the deadline it already has: the same preview, nothing breaks
    await lies.press(week)
    await lies.press(school.t("nl", "form.send"))
    await lies.expect_text(school.tn("nl", "form.sent", 2, count=2))
    assert not [m for m in lies.messages if school.t("nl", "error.generic") in m.text]
    async with school.app.bot_data.sessions() as session:
        forms = list(await session.exec(select(PermissionForm)))
    return forms[-1].id or 0


async def test_a_form_answered_changed_reminded_listed_and_closed(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Mehmet reads the question about Adam (in Dutch, marked: no Turkish model here), says yes,
    then no; Tom is reminded once, a day before the deadline; Lies sees and exports the list; a
    press after the deadline gets a clear answer and changes nothing; a stranger's press nothing."""
    lies, mehmet, tom = class_1a["lies"], class_1a["mehmet"], class_1a["tom"]
    form_id = await send_form(school, lies, SWIM)
    services = school.app.bot_data
    closes = deadline(services, CLOSES, "tr")
    copy = await mehmet.expect_text("Mag Adam vrijdag mee naar het zwembad?")
    assert school.t("tr", "status.note_dutch") in copy.text  # truthfully: not translated
    assert closes in copy.text and "🔓" in copy.text  # the deadline; not anonymous
    await tom.expect_text("Mag Lotte vrijdag mee naar het zwembad?")
    await mehmet.press(school.t("tr", "form.yes"), message=copy)
    yes = school.t("tr", "form.answered", answer=school.t("tr", "form.yes"), deadline=closes)
    await mehmet.expect_text(yes)
    await mehmet.press(school.t("tr", "form.no"), message=copy)
    no = school.t("tr", "form.answered", answer=school.t("tr", "form.no"), deadline=closes)
    await mehmet.expect_text(no)
    async with services.sessions() as session:
        adam = next(c for c in await families.children(session) if c.first_name == "Adam")
    stranger = await school.parent("Ayşe", "tr", "1A", child="Elif")
    cb = await stranger.press_data(f"fa:{form_id}:{adam.pupil_id}:y")
    assert (await stranger.wait_callback_answer(cb)).text == school.t("tr", "error.stale_button")
    # Sunday 29 November 18:00 in Brussels: one reminder, to Tom only (Adam is answered).
    clock.set(datetime(2026, 11, 29, 17, 0, tzinfo=UTC))
    await tom.expect_text(school.t("nl", "form.reminder"), timeout=10)
    await lies.send("/help")
    await lies.expect_text(school.help("nl", "teacher"))
    assert not [m for m in mehmet.messages if school.t("tr", "form.reminder") in m.text]
    await lies.press(school.t("nl", "form.list_button"))
    listed = await lies.expect_text("⏳ Lotte (1A)")
    assert "❌ Adam (1A)" in listed.text and "✅ 0" in listed.text
    await lies.press(school.t("nl", "form.export_button"))
    await lies.wait_for(lambda u: any(m.file_name == f"form-{form_id}.csv" for m in u.messages))
    sheet = next(m for m in lies.messages if m.file_name == f"form-{form_id}.csv")
    raw = school.tg.files[sheet.file_id].data  # type: ignore[index]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == school.t("nl", "form.export_header").split("|")
    assert ["Adam", "", "1A", "nee"] in rows and ["Lotte", "", "1A", "nog niet"] in rows
    # After the deadline: a clear answer, and the family's answer stays "no".
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    cb = await mehmet.press(school.t("tr", "form.yes"), message=copy)
    closed = await mehmet.wait_callback_answer(cb)
    assert closed.text == school.t("tr", "form.closed", deadline=closes) and closed.show_alert
    await lies.send("/form")  # later: the list is one tap away under /form
    await lies.press("📋 Mag {child}")
    assert "❌ Adam (1A)" in (await lies.expect_text("⏳ Lotte (1A)")).text
    assert len([m for m in tom.messages if school.t("nl", "form.reminder") in m.text]) == 1


async def test_photo_consent_shows_under_a_photo_preview(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Before any photo-consent form the preview names nobody; after one, the children whose
    families did not say yes are named under Lies's photo preview."""
    lies, mehmet = class_1a["lies"], class_1a["mehmet"]
    await lies.send_photo(b"\x89PNG klas", caption="Onze klas!")
    send_now = school.t("nl", "announce.send_now")
    first = await lies.wait_for_message(lambda m: send_now in m.labels)
    assert "📷" not in first.text
    await lies.press(school.t("nl", "announce.cancel"))
    await send_form(school, lies, PHOTOS, photo=True)
    copy = await mehmet.expect_text("Adam")
    assert school.t("tr", "form.photo_note") in copy.text
    await mehmet.press(school.t("tr", "form.yes"), message=copy)
    await mehmet.expect_text("✔️ ")  # the answer shows under the question
    await lies.send_photo(b"\x89PNG klas 2", caption="Nog een foto")
    missing = school.tn("nl", "form.photo_missing", 1, count=1, children="Lotte (1A)")
    preview = await lies.wait_for_message(lambda m: send_now in m.labels)
    assert missing in preview.text


async def test_a_guardian_who_left_the_family_can_no_longer_answer(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Tom's link to Lotte's family is removed after the form went out: his press changes nothing."""
    lies, tom = class_1a["lies"], class_1a["tom"]
    form_id = await send_form(school, lies, SWIM)
    copy = await tom.expect_text("Mag Lotte vrijdag mee naar het zwembad?")
    member = await school.member(tom)
    assert member is not None
    async with school.app.bot_data.sessions() as session:
        for link in await session.exec(select(Guardian).where(Guardian.member_id == member.id)):
            await session.delete(link)
        await session.commit()
    cb = await tom.press(school.t("nl", "form.yes"), message=copy)
    assert (await tom.wait_callback_answer(cb)).text == school.t("nl", "error.stale_button")
    async with school.app.bot_data.sessions() as session:
        assert not list(await session.exec(select(FormAnswer).where(FormAnswer.form_id == form_id)))
