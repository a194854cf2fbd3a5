"""Stories of invitations to informal meetings: RSVP in four languages, calendar files, reminders."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.invitations import invitation_class_1a, invite
from tests.helpers.restart import restarted

__all__ = ["invitation_class_1a"]  # the fixture class_1a of the invitation stories
BRUSSELS = ZoneInfo("Europe/Brussels")


def invitation(user: SimUser) -> object:
    """The parent's invitation (it has the RSVP buttons)."""
    found = [m for m in user.messages if "rsvp:yes:" in str(m.buttons)]
    return found[-1] if found else None


async def test_an_invitation_in_four_languages_with_rsvp_and_a_calendar_file(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina comes with three and asks for an interpreter; Tom says maybe, then no; the report counts."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    report = await invite(school, lies)
    for name, marker in (("Amina", "[en>ar]"), ("Mehmet", "[en>tr]"), ("Kasia", "[en>pl]")):
        copy = await class_1a[name].wait_for_message(
            lambda m: "rsvp:yes:" in str(m.buttons), timeout=10
        )
        assert marker in copy.text, name
    copy = await tom.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
    assert "de refter" in copy.text and "Koffiemoment voor ouders" in copy.text
    ics = await tom.wait_for_message(lambda m: m.kind == "document", timeout=10)
    event = Calendar.from_ical(school.tg.file_bytes(ics.file_id)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 11, 27, 8, 30, tzinfo=BRUSSELS)
    assert event.decoded("dtend") == datetime(2026, 11, 27, 10, 0, tzinfo=BRUSSELS)
    assert str(event.get("location")) == "de refter"
    amina_copy = invitation(amina)
    await amina.press(school.t("ar", "event.button_yes"), message=amina_copy)
    await amina.expect_text(school.t("ar", "event.how_many"))
    await amina.press("3")
    await amina.press(school.t("ar", "event.interpreter_button"))
    await tom.press(school.t("nl", "event.button_maybe"), message=copy)
    await tom.press(school.t("nl", "event.button_no"), message=copy)
    expected = school.tn(
        "nl", "event.report", 3, yes=1, people=3, maybe=0, no=1, interpreters="Arabisch 1"
    )
    await lies.wait_for(lambda u: expected in report.text, timeout=10)


async def test_reminders_after_a_restart_and_never_in_quiet_hours(
    school: School,
    class_1a: dict[str, SimUser],
    app: BotApp,
    settings: Settings,
    clock: ManualClock,
) -> None:
    """Tom says yes, Mehmet no; the bot restarts; Tom is reminded the day before and the evening before 08:30."""
    lies, tom, mehmet = class_1a["lies"], class_1a["Tom"], class_1a["Mehmet"]
    await invite(school, lies)
    for parent, lang, key in ((tom, "nl", "event.button_yes"), (mehmet, "tr", "event.button_no")):
        copy = await parent.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
        await parent.press(school.t(lang, key), message=copy)
    await tom.expect_text(school.t("nl", "event.how_many"))
    reminder = school.t(
        "nl",
        "event.reminder",
        title="Koffiemoment voor ouders",
        day="vr 27 nov 08:30",
        place="de refter",
    )
    async with restarted(app, settings, clock) as fresh:
        scheduler = fresh.bot_data.scheduler
        assert scheduler is not None
        clock.set(datetime(2026, 11, 26, 7, 30, tzinfo=UTC))  # Thursday 08:30: one day before
        await tom.expect_text(reminder)
        await scheduler.ran("event:1:day", 1)
        # Two hours before would be 06:30, in the quiet hours: it comes at 20:59 the evening before.
        clock.set(datetime(2026, 11, 26, 19, 59, tzinfo=UTC))
        await scheduler.ran("event:1:soon", 1)
        clock.set(datetime(2026, 11, 27, 6, 30, tzinfo=UTC))  # Friday 07:30: Juf Lies's summary
        await lies.expect_text(
            school.tn(
                "nl", "event.morning_summary", 1, time="08:30", title="Koffiemoment voor ouders",
                yes=1, people=1, maybe=0, interpreters="–",
            )
        )  # fmt: skip
    assert len([m for m in tom.messages if m.text == reminder]) == 2
    assert not [m for m in mehmet.messages if "⏰" in m.text]


async def test_bad_moments_late_presses_and_forged_counts(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """A date in the past or an end before the start is refused; forged counts of 99 and 0 and a press after the start are refused."""
    lies, tom, kasia = class_1a["lies"], class_1a["Tom"], class_1a["Kasia"]
    await lies.send("/meeting")
    await lies.press("🏫 Kom kijken in de klas")
    await lies.send("20/11 09:00")  # typed by mistake: refused, never read as next November
    await lies.expect_text(school.t("nl", "event.when_past", example="12/12 08:30-10:00"))
    await lies.send("27/11 10:00-09:00")  # the end before the start
    await lies.expect_text(school.t("nl", "event.when_end", example="12/12 08:30-10:00"))
    await lies.send("/cancel")
    await lies.expect_text(school.t("nl", "common.cancelled"))
    await invite(school, lies)
    copy = await tom.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
    delivery = next(d for row in copy.buttons for _, d in row if d.startswith("rsvp:yes:")).split(
        ":"
    )[2]
    for count in ("n99", "n0"):
        forged = await tom.wait_callback_answer(await tom.press_data(f"rsvp:{count}:{delivery}"))
        assert forged.text == school.t("nl", "error.stale_button")
    stranger = await kasia.wait_callback_answer(await kasia.press_data(f"rsvp:yes:{delivery}"))
    assert stranger.text == school.t("pl", "error.stale_button")
    clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # 09:00, after the start
    late = await tom.wait_callback_answer(await tom.press_data(f"rsvp:yes:{delivery}"))
    assert late.text == school.t("nl", "event.closed")


async def test_a_cancelled_meeting_is_marked_everywhere_and_told_to_who_answered(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Juf Lies cancels: every copy shows it in its language, Tom (who answered) is told, no reminder comes."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    await invite(school, lies)
    report = await lies.wait_for_message(lambda m: "evtc:ask:" in str(m.buttons), timeout=10)
    copy = await tom.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
    amina_copy = await amina.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
    await tom.press(school.t("nl", "event.button_yes"), message=copy)
    await tom.expect_text(school.t("nl", "event.how_many"))
    await lies.press(school.t("nl", "event.button_cancel"), message=report)
    await lies.press(school.t("nl", "event.cancel_yes"))
    await lies.expect_text(school.t("nl", "event.cancelled_done", count=1))
    notice = school.t(
        "nl", "event.cancelled_notice", title="Koffiemoment voor ouders", day="vr 27 nov 08:30"
    )
    await tom.expect_text(notice)
    await tom.wait_for(lambda u: school.t("nl", "event.cancelled_banner") in copy.text, timeout=10)
    await amina.wait_for(lambda u: school.t("ar", "announce.edited_mark") in amina_copy.text)
    late = await tom.wait_callback_answer(await tom.press_data(
        next(d for row in copy.buttons for _, d in row if d.startswith("rsvp:yes:"))
    ))  # fmt: skip
    assert late.text == school.t("nl", "event.closed")
    clock.set(datetime(2026, 11, 26, 7, 30, tzinfo=UTC))  # the day before: no reminder
    await tom.send("/help")
    await tom.expect_text(school.help("nl", "parent"))
    assert not [m for m in tom.messages if "⏰" in m.text]


async def test_a_moved_meeting_changes_copies_reminders_and_tells_who_answered(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Moved from Friday to Monday: Tom hears it, his copy shows Monday, and reminders follow."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await invite(school, lies)
    report = await lies.wait_for_message(lambda m: "evtc:move:" in str(m.buttons), timeout=10)
    copy = await tom.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
    await tom.press(school.t("nl", "event.button_yes"), message=copy)
    await tom.expect_text(school.t("nl", "event.how_many"))
    await lies.press(school.t("nl", "event.button_move"), message=report)
    await lies.expect_text(school.t("nl", "event.ask_new_when", example="12/12 08:30-10:00"))
    await lies.send("30/11 14:00-15:30")
    await lies.expect_text(school.t("nl", "event.moved_done", count=1))
    title = "Koffiemoment voor ouders"
    await tom.expect_text(school.t("nl", "event.moved_notice", title=title, day="ma 30 nov 14:00"))
    await tom.wait_for(lambda u: "maandag 30 november 2026, 14:00" in copy.text, timeout=10)
    clock.set(datetime(2026, 11, 26, 7, 30, tzinfo=UTC))  # the old "day before": nothing
    await tom.send("/help")
    await tom.expect_text(school.help("nl", "parent"))
    assert not [m for m in tom.messages if "⏰" in m.text]
    clock.set(datetime(2026, 11, 29, 13, 0, tzinfo=UTC))  # Sunday 14:00: the new day before
    await tom.expect_text(
        school.t("nl", "event.reminder", title=title, day="ma 30 nov 14:00", place="de refter")
    )
