"""Stories of an evening that changes after publishing: moved to another room, cancelled, left by
its teacher (/forget); and the language an interpreter must speak."""

from __future__ import annotations

from icalendar import Calendar
from sqlmodel import select

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import MeetingPlan, Pupil
from bot.simulator import BotMessage, SimUser
from tests.helpers.meetings import bookings, brussels, meeting_class_1a, offered, plans, publish

__all__ = ["meeting_class_1a"]  # the fixture class_1a of these stories


async def schedule_of(school: School, teacher: SimUser, published: BotMessage) -> BotMessage:
    """The teacher opens the schedule (its last part carries the cancel / move buttons)."""
    await teacher.press(school.t("nl", "meet.overview_button"), message=published)
    return await teacher.wait_for_message(lambda m: m.text.startswith("📋") and "mk:" in str(m.buttons), timeout=10)  # fmt: skip


async def calendar_of(school: School, parent: SimUser, count: int) -> Calendar:
    """The parent's `count`-th calendar file."""
    await parent.wait_for(lambda u: len([m for m in u.messages if m.kind == "document"]) >= count, timeout=10)  # fmt: skip
    files = [m for m in parent.messages if m.kind == "document"]
    return Calendar.from_ical(school.tg.file_bytes(files[count - 1].file_id))


async def test_an_evening_moved_then_cancelled_tells_only_the_families_who_booked(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina (Arabic) and Mehmet (Turkish) book; Tom and Kasia do not. Juf Lies moves the evening
    to the gym: Amina and Mehmet are told in their language with an updated calendar file. Then
    she cancels it: they are told, the calendar files cancel the appointment, Tom and Kasia hear
    nothing more, and no reminder, nudge or overview of the evening is left to run."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    mehmet, kasia = class_1a["Mehmet"], class_1a["Kasia"]
    published = await publish(school, lies)
    for parent, time in ((amina, "16:00"), (mehmet, "16:15")):
        copy = await offered(parent)
        await parent.press(time, message=copy)
        await parent.wait_for(lambda u, c=copy: "✅" in c.text)
    first = await calendar_of(school, amina, 1)
    before = {p: len(p.messages) for p in (tom, kasia)}
    schedule = await schedule_of(school, lies, published)
    await lies.press(school.t("nl", "meet.move_button"), message=schedule)
    await lies.expect_text(school.t("nl", "meet.ask_new_place", place="lokaal 12"))
    await lies.send("de turnzaal")
    await lies.expect_text(school.tn("nl", "meet.plan_moved_done", 2, count=2, place="de turnzaal"))
    await amina.expect_text(school.t(
        "ar", "meet.plan_moved", child="Kind Amina (1A)", day="الخميس 26 نوفمبر", time="16:00",
        teacher="Juf Lies", place="de turnzaal",
    ))  # fmt: skip
    await mehmet.expect_text(school.t(
        "tr", "meet.plan_moved", child="Kind Mehmet (1A)", day="Perşembe 26 Kasım", time="16:15",
        teacher="Juf Lies", place="de turnzaal",
    ))  # fmt: skip
    moved = (await calendar_of(school, amina, 2)).walk("VEVENT")[0]
    assert str(moved.get("uid")) == str(first.walk("VEVENT")[0].get("uid"))
    assert str(moved.get("location")) == "de turnzaal" and int(moved.get("sequence")) > 0
    armed = school.app.bot_data.scheduler
    assert armed is not None and len([k for k in armed.pending() if k.startswith("meet:1:")]) == 6
    await lies.press(school.t("nl", "meet.cancel_plan_button"), message=schedule)
    await lies.expect_text(school.tn("nl", "meet.cancel_plan_ask", 2, count=2))
    await lies.press(school.t("nl", "meet.cancel_plan_yes"))
    await lies.expect_text(school.tn("nl", "meet.plan_cancelled_done", 2, count=2))
    await amina.expect_text(school.t(
        "ar", "meet.plan_cancelled", child="Kind Amina (1A)", day="الخميس 26 نوفمبر", time="16:00",
        teacher="Juf Lies", place="de turnzaal",
    ))  # fmt: skip
    cancelled = await calendar_of(school, amina, 3)
    assert str(cancelled.get("method")) == "CANCEL"
    assert str(cancelled.walk("VEVENT")[0].get("status")) == "CANCELLED"
    assert (await plans(school))[0].status == "cancelled"
    assert {p: len(p.messages) for p in (tom, kasia)} == before  # nothing for who had not booked
    scheduler = school.app.bot_data.scheduler
    assert scheduler is not None  # no reminder, nudge or morning overview left for this evening
    assert not [key for key in scheduler.pending() if key.startswith("meet:1:")]


async def test_a_teacher_who_forgets_leaves_the_evening_with_the_school(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Amina booked with Juf Lies, who then sends /forget: the evening and Amina's booking stay
    (the school's, without the teacher's name); on Thursday morning coordinator Sofie gets its
    schedule instead of the teacher (Amina's reminder names the school), opens it and cancels the
    evening; Amina is told."""
    sofie, lies, amina = class_1a["sofie"], class_1a["lies"], class_1a["Amina"]
    await publish(school, lies)
    copy = await offered(amina)
    await amina.press("16:00", message=copy)
    await amina.wait_for(lambda u: "✅" in copy.text)
    await lies.send("/forget")
    await lies.press(school.t("nl", "forget.yes"))
    await lies.expect_text(school.t("nl", "forget.done"))
    plan = (await plans(school))[0]
    assert plan.teacher_id is None and plan.status == "open"
    assert len(await bookings(school)) == 1
    clock.set(brussels(26, 7, 30))  # Thursday morning: the school's evening, Sofie's schedule
    morning = await sofie.wait_for_message(lambda m: m.text.startswith("📋"), timeout=10)
    assert "16:00 Kind Amina (1A)" in morning.text
    reminder = await amina.wait_for_message(lambda m: "16:00" in m.text and "⏰" in m.text)
    assert "Basisschool De Buurt" in reminder.text  # the school, not an empty name
    await sofie.press_data(f"mo:{plan.id}")
    schedule = await sofie.wait_for_message(lambda m: m.text.startswith("📋") and "mk:" in str(m.buttons), timeout=10)  # fmt: skip
    assert "16:00 Kind Amina (1A)" in schedule.text
    await sofie.press(school.t("nl", "meet.cancel_plan_button"), message=schedule)
    await sofie.press(school.t("nl", "meet.cancel_plan_yes"))
    await sofie.expect_text(school.tn("nl", "meet.plan_cancelled_done", 1, count=1))
    await amina.expect_text(school.t(
        "ar", "meet.plan_cancelled", child="Kind Amina (1A)", day="الخميس 26 نوفمبر", time="16:00",
        teacher="Basisschool De Buurt", place="lokaal 12",
    ))  # fmt: skip


async def test_the_interpreter_speaks_the_home_language_of_a_dutch_speaking_parent(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Tom reads the bot in Dutch but Kind Tom's home language is Tigrinya: his interpreter
    request is for Tigrinya; Amina's (Arabic bot) for Arabic; the schedule names both."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    async with school.app.bot_data.sessions() as session:
        pupil = (await session.exec(select(Pupil).where(Pupil.first_name == "Kind Tom"))).one()
        pupil.languages = "nl,ti"
        session.add(pupil)
        await session.commit()
    published = await publish(school, lies)
    for parent, time, lang in ((tom, "16:00", "nl"), (amina, "16:15", "ar")):
        copy = await offered(parent)
        await parent.press(time, message=copy)
        await parent.wait_for(lambda u, c=copy: "✅" in c.text)
        await parent.press(school.t(lang, "meet.interpreter_button"), message=copy)
        await parent.wait_for(lambda u, c=copy, x=lang: school.t(x, "meet.interpreter_asked") in c.text)  # fmt: skip
    assert sorted(b.interpreter_language for b in await bookings(school)) == ["ar", "ti"]
    schedule = await schedule_of(school, lies, published)
    assert "16:00 Kind Tom (1A) 🗣 Tigrinya" in schedule.text
    assert "16:15 Kind Amina (1A) 🗣 Arabisch" in schedule.text
    async with school.app.bot_data.sessions() as session:
        assert (await session.exec(select(MeetingPlan))).one().status == "open"


async def test_mydata_shows_the_familys_bookings_with_the_interpreter_asked(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina books 16:15 and asks for an interpreter: /mydata lists the conversation, the place
    and the interpreter's language; Tom, who booked nothing, sees no such part."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    await publish(school, lies)
    copy = await offered(amina)
    await amina.press("16:15", message=copy)
    await amina.wait_for(lambda u: "✅" in copy.text)
    await amina.press(school.t("ar", "meet.interpreter_button"), message=copy)
    await amina.wait_for(lambda u: school.t("ar", "meet.interpreter_asked") in copy.text)
    await amina.send("/mydata")
    line = school.t(
        "ar", "mydata.meeting", child="Kind Amina (1A)", day="الخميس 26 نوفمبر", time="16:15",
        place="lokaal 12",
    )  # fmt: skip
    interpreter = school.t("ar", "mydata.meeting_interpreter", language="العربية")
    data = await amina.wait_for_message(lambda m: school.t("ar", "mydata.meetings") in m.text, timeout=10)  # fmt: skip
    assert f"{line} {interpreter}" in data.text
    await tom.send("/mydata")
    mine = await tom.wait_for_message(lambda m: school.t("nl", "mydata.roster_note") in m.text, timeout=10)  # fmt: skip
    assert school.t("nl", "mydata.meetings") not in mine.text
