"""Days without school: the office sets a holiday with `/absences holidays 24/11-25/11`; the
parents' day buttons, a note held through the quiet hours and the teachers' morning list skip it.

The clock starts on Monday 23 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.absences.jobs import morning_lists
from bot.absences.views import days, one_day
from bot.core.clock import ManualClock
from bot.demo.school import School
from tests.absences.test_absence_notes import stored

MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
THURSDAY, FRIDAY = date(2026, 11, 26), date(2026, 11, 27)


async def test_holidays_are_skipped_by_buttons_held_notes_and_the_morning_list(
    school: School, clock: ManualClock
) -> None:
    """Sofie makes Tuesday and Wednesday days without school. Mehmet's "next school day" is
    Thursday and his day buttons skip both; a note made on Monday night reaches Juf Lies on
    Thursday at 07:00, not Tuesday; the morning list is not sent on the holiday."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A", child="Adam")
    await sofie.send("/absences holidays 24/13")
    await sofie.expect_text(school.t("nl", "absence.holidays_bad"))
    await sofie.send("/absences holidays 24/11-25/11")
    await sofie.expect_text(school.t("nl", "absence.holidays_saved", days=days(TUESDAY, WEDNESDAY, "nl")))  # fmt: skip
    await sofie.send("/absences")
    await sofie.expect_text(school.t("nl", "absence.holidays", list=days(TUESDAY, WEDNESDAY, "nl")))  # fmt: skip

    await mehmet.send("/absent")
    when = await mehmet.expect_text(school.t("tr", "absence.when", child="Adam"))
    assert school.t("tr", "absence.tomorrow", day=one_day(THURSDAY, "tr")) in when.labels
    await mehmet.press(school.t("tr", "absence.several"), message=when)
    first = await mehmet.expect_text(school.t("tr", "absence.from_day", child="Adam"))
    assert first.labels[:3] == [one_day(d, "tr") for d in (MONDAY, THURSDAY, FRIDAY)]
    await mehmet.press(one_day(MONDAY, "tr"), message=first)
    await mehmet.expect_text(school.t("tr", "absence.to_day", child="Adam"))
    await mehmet.press(one_day(FRIDAY, "tr"))
    await mehmet.press(school.t("tr", "absence.reason_family"))
    await lies.expect_text(days(MONDAY, FRIDAY, "nl"))

    # Monday 22:00 in Brussels, in the quiet hours: a note for Thursday waits until Thursday 07:00.
    clock.set(datetime(2026, 11, 23, 21, 0, tzinfo=UTC))
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.tomorrow", day=one_day(THURSDAY, "tr")))
    await mehmet.press(school.t("tr", "absence.reason_sick"))
    await mehmet.expect_text(school.t("tr", "absence.reason_sick"))
    held = (await stored(school))[-1]
    assert held.first_day == THURSDAY
    assert held.team_due_at == datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 07:00 in Brussels

    # Tuesday morning: no school, no morning list (Adam's family note covers the day).
    services, bot = school.app.bot_data, school.app.bot
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    assert await morning_lists(services, bot) == 0
    seen = len(mehmet.messages)
    await mehmet.send("/absent")  # a day without school: no "today" to report
    await mehmet.wait_for(lambda user: len(user.messages) > seen)
    off = mehmet.messages[seen]
    assert school.t("tr", "absence.tomorrow", day=one_day(THURSDAY, "tr")) in off.labels
    assert school.t("tr", "absence.today") not in off.labels
    await sofie.send("/absences holidays clear")
    await sofie.expect_text(school.t("nl", "absence.holidays_cleared"))
    assert await morning_lists(services, bot) == 1  # a school day again: Juf Lies's list
    await lies.expect_text("Adam")
