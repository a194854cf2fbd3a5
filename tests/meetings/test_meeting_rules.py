"""Stories of what goes wrong around meeting slots: a date in the past, a break outside the
evening, forged and stale presses, a guardian who left, presses after the deadline; and the
reminders, the one nudge and the morning overview, after a restart and never in quiet hours."""

from __future__ import annotations

from sqlmodel import select

from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import Guardian, LinkStatus, Pupil
from bot.simulator import SimUser
from tests.helpers.meetings import (
    BREAK_EXAMPLE,
    EXAMPLE,
    bookings,
    brussels,
    meeting_class_1a,
    offered,
    plans,
    publish,
    slot_data,
)
from tests.helpers.restart import restarted

__all__ = ["meeting_class_1a"]  # the fixture class_1a of these stories


async def press_answer(user: SimUser, data: str) -> str:
    """Press any button data; the bot's answer to the press."""
    return (await user.wait_callback_answer(await user.press_data(data), timeout=10)).text or ""


async def test_bad_dates_forged_presses_a_guardian_who_left_and_the_deadline(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Last Friday is refused, so is a break after the evening; Tom cannot book for Amina's child
    or a time that does not exist, nor open the teacher's schedule; Kasia, no longer linked to her
    family, cannot book; after the deadline nobody books, changes or cancels."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    kasia, mehmet = class_1a["Kasia"], class_1a["Mehmet"]
    await lies.send("/oudercontact")
    await lies.send("20/11 16:00-18:00")
    await lies.expect_text(school.t("nl", "event.when_past", example=EXAMPLE))
    await lies.send("26/11 16:00-18:00")
    await lies.press(school.tn("nl", "meet.minutes", 15, minutes=15))
    await lies.send("19:00-19:30")
    await lies.expect_text(school.t("nl", "meet.bad_break", example=BREAK_EXAMPLE))
    await lies.send("/cancel")
    published = await publish(school, lies)
    stale = school.t("nl", "error.stale_button")
    copy = await offered(tom)
    async with school.app.bot_data.sessions() as session:
        pupils = {p.first_name: p.id for p in await session.exec(select(Pupil))}
    free = slot_data(copy, "16:00").split(":")[1]
    assert await press_answer(tom, f"ms:{free}:{pupils['Kind Amina']}") == stale
    assert await press_answer(tom, f"ms:99999:{pupils['Kind Tom']}") == stale
    assert await press_answer(tom, f"ms:{free}:x") == stale
    assert await press_answer(tom, "ms:" + "9" * 40 + ":1") == stale
    plan_id = slot_data(published, school.t("nl", "meet.overview_button")).split(":")[1]
    assert await press_answer(tom, f"mo:{plan_id}") == stale
    assert await press_answer(tom, "mp:pub:0") == stale
    member = await school.member(kasia)
    async with school.app.bot_data.sessions() as session:  # the school unlinks Kasia
        guardian = (await session.exec(select(Guardian).where(Guardian.member_id == member.id))).one()  # fmt: skip
        guardian.status = LinkStatus.REFUSED
        session.add(guardian)
        await session.commit()
    kasia_copy = await offered(kasia)
    assert await press_answer(kasia, slot_data(kasia_copy, "16:00")) == school.t(
        "pl", "error.stale_button"
    )
    amina_copy = await offered(amina)
    await amina.press("16:30", message=amina_copy)
    await amina.wait_for(lambda u: "16:30–16:45" in amina_copy.text)
    assert [b.pupil_id for b in await bookings(school)] == [pupils["Kind Amina"]]
    clock.set(brussels(25, 16, 1))  # one minute after the deadline (a day before the evening)
    closed = school.t("tr", "meet.closed", deadline="Çarşamba 25 Kasım 16:00")
    mehmet_copy = await offered(mehmet)
    answer = await press_answer(mehmet, slot_data(mehmet_copy, "16:45"))
    assert answer == closed
    plan = (await plans(school))[0]
    for verb in ("mx", "mc", "mi"):
        answer = await press_answer(amina, f"{verb}:{plan.id}:{pupils['Kind Amina']}")
        assert answer == school.t("ar", "meet.closed", deadline="الأربعاء 25 نوفمبر 16:00"), verb
    assert len(await bookings(school)) == 1


async def test_reminders_after_a_restart_one_nudge_and_the_morning_overview(
    school: School,
    class_1a: dict[str, SimUser],
    app: BotApp,
    settings: Settings,
    clock: ManualClock,
) -> None:
    """Thursday 08:00-09:00: Tom books 08:00, Amina 08:15 with an interpreter; the bot restarts.
    Mehmet and Kasia are nudged once on Tuesday; Tom and Amina are reminded on Wednesday and,
    since 06:00 is in the quiet hours, at 20:59 that evening; Thursday 07:30 Juf Lies gets her
    schedule and a PDF, Sofie the interpreters of the evening."""
    sofie, lies, tom, amina = class_1a["sofie"], class_1a["lies"], class_1a["Tom"], class_1a["Amina"]  # fmt: skip
    mehmet, kasia = class_1a["Mehmet"], class_1a["Kasia"]
    await publish(school, lies, "26/11 08:00-09:00")
    await tom.press("08:00", message=await offered(tom))
    amina_copy = await offered(amina)
    await amina.press("08:15", message=amina_copy)
    await amina.press(school.t("ar", "meet.interpreter_button"), message=amina_copy)
    await amina.wait_for(lambda u: school.t("ar", "meet.interpreter_asked") in amina_copy.text)
    nudge = {p: school.t(lang, "meet.nudge") for p, lang in ((mehmet, "tr"), (kasia, "pl"), (tom, "nl"), (amina, "ar"))}  # fmt: skip
    tom_reminder = school.t(
        "nl", "meet.reminder", child="Kind Tom (1A)", day="donderdag 26 november", time="08:00",
        place="lokaal 12", teacher="Juf Lies",
    )  # fmt: skip
    async with restarted(app, settings, clock) as fresh:
        scheduler = fresh.bot_data.scheduler
        assert scheduler is not None
        clock.set(brussels(24, 8))  # Tuesday 08:00: a day before the deadline
        await scheduler.ran("meet:1:nudge", 1)
        for parent in (mehmet, kasia):
            await parent.wait_for(lambda u, p=parent: any(m.text.startswith(nudge[p]) for m in u.messages), timeout=10)  # fmt: skip
        clock.set(brussels(25, 8, 15))  # Wednesday: a day before both conversations
        await tom.expect_text(tom_reminder)
        await amina.wait_for(lambda u: any(m.text.startswith("⏰") and "08:15" in m.text for m in u.messages), timeout=10)  # fmt: skip
        clock.set(brussels(25, 20, 59))  # two hours before would be 06:00, in the quiet hours
        await scheduler.ran("meet:1:1:soon", 1)
        await tom.wait_for(lambda u: len([m for m in u.messages if m.text == tom_reminder]) == 2, timeout=10)  # fmt: skip
        clock.set(brussels(26, 7, 30))  # Thursday morning
        overview = await lies.wait_for_message(lambda m: m.text.startswith("📋"), timeout=10)
        assert "08:00 Kind Tom (1A)" in overview.text
        assert "08:15 Kind Amina (1A) 🗣 Arabisch" in overview.text
        assert "Kind Kasia (1A), Kind Mehmet (1A)" in overview.text
        await lies.wait_for_message(lambda m: m.kind == "document", timeout=10)
        await sofie.expect_text(school.t("nl", "meet.interpreters_day", day="donderdag 26 november", needs="Arabisch 1"))  # fmt: skip
    for parent in (mehmet, kasia, tom, amina):  # one nudge, only to those who had not booked
        count = len([m for m in parent.messages if m.text.startswith(nudge[parent])])
        assert count == (1 if parent in (mehmet, kasia) else 0), parent.display_name


async def test_a_guardian_who_forgets_leaves_the_appointment_without_them(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina books 16:00, then sends /forget: the appointment stays on Juf Lies's schedule as the
    school's, without Amina (no member id left in it)."""
    lies, amina = class_1a["lies"], class_1a["Amina"]
    published = await publish(school, lies)
    copy = await offered(amina)
    await amina.press("16:00", message=copy)
    await amina.wait_for(lambda u: "16:00–16:15" in copy.text)
    await amina.send("/forget")
    await amina.press(school.t("ar", "forget.yes"))
    await amina.expect_text(school.t("ar", "forget.done"))
    assert [b.member_id for b in await bookings(school)] == [None]
    await lies.press(school.t("nl", "meet.overview_button"), message=published)
    schedule = await lies.wait_for_message(lambda m: m.text.startswith("📋"), timeout=10)
    assert "16:00 Kind Amina (1A)" in schedule.text


async def test_an_evening_published_the_same_day_closes_an_hour_before(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Published on Monday morning for Monday 16:00: booking stays open until 15:00, not a day
    before (which has passed already)."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await publish(school, lies, "23/11 16:00-17:00")
    copy = await offered(tom)
    assert copy.text.endswith(
        school.t(
            "nl", "meet.invitation", teacher="Juf Lies", child="Kind Tom (1A)",
            day="maandag 23 november", place="lokaal 12", deadline="maandag 23 november 15:00",
        )
    )  # fmt: skip
    await tom.press("16:00", message=copy)
    await tom.wait_for(lambda u: "16:00–16:15" in copy.text)
