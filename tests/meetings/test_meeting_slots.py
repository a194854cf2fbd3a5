"""Stories of parent-teacher meeting slots ("oudercontact"): a teacher publishes an evening, the
families book a time per child in their own language, change, cancel, ask for an interpreter,
and the teacher sees the schedule and who has not booked."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.demo.school import School
from bot.families.service import member_children
from bot.simulator import SimUser
from tests.helpers.meetings import bookings, meeting_class_1a, offer, offered, publish, sibling

__all__ = ["meeting_class_1a"]  # the fixture class_1a of these stories
BRUSSELS = ZoneInfo("Europe/Brussels")


async def test_families_book_change_cancel_and_ask_for_an_interpreter_in_their_language(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies publishes Thursday 16:00-18:00 with a break; Amina books in Arabic with a
    calendar file, asks for an interpreter and moves to 17:00; Tom books and cancels; Juf Lies
    sees the schedule, the interpreter and who has not booked, and gets a PDF to print."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    await school.letter("1A", "Noor")  # on the roster, her family not in the bot yet
    published = await publish(school, lies, pause="16:30-16:45", invite=("Kind Amina (1A)",))
    assert published.text == school.tn("nl", "meet.published", 4, count=4)  # Noor's not counted
    copy = await offered(amina)
    assert copy.text.startswith(school.t("ar", "meet.invited_line", teacher="Juf Lies"))
    assert school.t("nl", "meet.invited_line", teacher="Juf Lies") not in (await offered(tom)).text
    invitation = school.t(
        "ar", "meet.invitation", teacher="Juf Lies", child="Kind Amina (1A)",
        day="الخميس 26 نوفمبر", place="lokaal 12", deadline="الأربعاء 25 نوفمبر 16:00",
    )  # fmt: skip
    assert copy.text.endswith(invitation)
    times = [text for row in copy.buttons for text, _ in row]
    assert times == ["16:00", "16:15", "16:45", "17:00", "17:15", "17:30", "17:45"]  # no 16:30
    await amina.press("16:15", message=copy)
    await amina.wait_for(lambda u: "✅" in copy.text)
    assert "16:15–16:30" in copy.text and "lokaal 12" in copy.text and "Juf Lies" in copy.text
    ics = await amina.wait_for_message(lambda m: m.kind == "document", timeout=10)
    event = Calendar.from_ical(school.tg.file_bytes(ics.file_id)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 11, 26, 16, 15, tzinfo=BRUSSELS)
    assert str(event.get("location")) == "lokaal 12"
    await amina.press(school.t("ar", "meet.interpreter_button"), message=copy)
    await amina.wait_for(lambda u: school.t("ar", "meet.interpreter_asked") in copy.text)
    await amina.press(school.t("ar", "meet.change_button"), message=copy)
    await amina.wait_for(lambda u: "ms:" in str(copy.buttons))
    assert "16:15" not in [text for row in copy.buttons for text, _ in row]  # her own, still hers
    await amina.press("17:00", message=copy)
    await amina.wait_for(lambda u: "17:00–17:15" in copy.text)
    tom_copy = await offered(tom)
    assert "16:15" in [text for row in tom_copy.buttons for text, _ in row]  # free again
    await tom.press("16:15", message=tom_copy)
    await tom.wait_for(lambda u: "✅" in tom_copy.text)
    await tom.press(school.t("nl", "meet.cancel_button"), message=tom_copy)
    await tom.wait_for(lambda u: school.t("nl", "meet.cancelled", child="Kind Tom (1A)") in tom_copy.text)  # fmt: skip
    stored = await bookings(school)
    assert [(b.interpreter, b.pupil_id) for b in stored] == [(True, stored[0].pupil_id)]
    await lies.press(school.t("nl", "meet.overview_button"), message=published)
    schedule = await lies.wait_for_message(lambda m: m.text.startswith("📋"), timeout=10)
    assert "17:00 Kind Amina (1A) 🗣 Arabisch" in schedule.text
    assert "16:15 " + school.t("nl", "meet.free") in schedule.text
    missing = "Kind Kasia (1A), Kind Mehmet (1A), Kind Tom (1A), Noor (1A)"
    assert school.tn("nl", "meet.not_booked", 4, count=4, names=missing) in schedule.text
    pdf = await lies.wait_for_message(lambda m: m.kind == "document", timeout=10)
    assert school.tg.file_bytes(pdf.file_id).startswith(b"%PDF")


async def test_a_brother_in_another_class_is_offered_the_time_right_after(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Tom's Sara is in 2B with Meester Jan, the same evening: after booking Kind Tom at 16:15
    with Juf Lies, Tom is offered 16:30 with Meester Jan first, and books it with one tap."""
    sofie, lies, tom = class_1a["sofie"], class_1a["lies"], class_1a["Tom"]
    await school.new_class(sofie, "2B")
    jan = await school.teacher(sofie, "Meester Jan", "2B")
    await sibling(school, tom, "Sara", "2B")
    await publish(school, lies)
    await publish(school, jan, place="lokaal 4")
    first = await offered(tom, "Kind Tom")
    await offered(tom, "Sara")
    await tom.press("16:15", message=first)
    label = school.t("nl", "meet.sibling_button", time="16:30", sibling="Kind Tom")
    await tom.wait_for(lambda u: label in str(offer(u, "Sara").buttons), timeout=10)
    suggestion = offer(tom, "Sara")
    assert suggestion.buttons[0][0][0] == label  # first row: the neighbouring time
    await tom.press(label, message=suggestion)
    await tom.wait_for(lambda u: "16:30–16:45" in suggestion.text and "Meester Jan" in suggestion.text)  # fmt: skip
    assert len(await bookings(school)) == 2


async def test_only_the_families_the_teacher_would_like_to_see(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies offers an evening to Mehmet's family only: he gets the personal line and the
    times; Tom, not invited, gets nothing, and a forged press for his child is refused."""
    lies, tom, mehmet = class_1a["lies"], class_1a["Tom"], class_1a["Mehmet"]
    published = await publish(school, lies, invite=("Kind Mehmet (1A)",), only_invited=True)
    assert published.text == school.tn("nl", "meet.published", 1, count=1)
    copy = await offered(mehmet)
    assert copy.text.startswith(school.t("tr", "meet.invited_line", teacher="Juf Lies"))
    await mehmet.press("16:00", message=copy)
    await mehmet.wait_for(lambda u: "16:00–16:15" in copy.text)
    assert not [m for m in tom.messages if "ms:" in str(m.buttons)]
    member = await school.member(tom)
    assert member is not None and member.id is not None
    async with school.app.bot_data.sessions() as session:
        kids = await member_children(session, member_id=member.id)
    free = (await bookings(school))[0].slot_id + 1  # a time still free in Mehmet's evening
    forged = await tom.wait_callback_answer(await tom.press_data(f"ms:{free}:{kids[0].pupil_id}"))
    assert forged.text == school.t("nl", "error.stale_button")
    assert len(await bookings(school)) == 1


async def test_the_coordinator_publishes_the_evening_of_a_teacher(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Sofie sets up Juf Lies's evening; an evening too short for one conversation is refused
    first. The families meet Juf Lies, and Juf Lies gets the schedule button herself."""
    sofie, lies, kasia = class_1a["sofie"], class_1a["lies"], class_1a["Kasia"]
    await sofie.send("/oudercontact")
    await sofie.send("26/11 16:00-16:10")
    await sofie.press(school.tn("nl", "meet.minutes", 15, minutes=15))
    await sofie.press(school.t("nl", "meet.no_break"))
    await sofie.send("lokaal 12")
    preview = await sofie.wait_for_message(lambda m: "mp:pub:0" in str(m.buttons))
    refused = await sofie.wait_callback_answer(
        await sofie.press(school.t("nl", "meet.publish_button"), message=preview)
    )
    assert refused.text == school.t("nl", "meet.no_slots") and refused.show_alert
    await publish(school, sofie, for_teacher="Juf Lies")
    told = await lies.wait_for_message(lambda m: "mo:" in str(m.buttons), timeout=10)
    assert told.text == school.tn("nl", "meet.published", 4, count=4)
    copy = await offered(kasia)
    assert "Juf Lies" in copy.text
    await kasia.press("16:30", message=copy)
    await kasia.wait_for(lambda u: "16:30–16:45" in copy.text)
    await lies.press(school.t("nl", "meet.overview_button"), message=told)
    schedule = await lies.wait_for_message(lambda m: m.text.startswith("📋"), timeout=10)
    assert "16:30 Kind Kasia (1A)" in schedule.text
