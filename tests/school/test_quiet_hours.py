"""Quiet hours: parents are not woken up; coordinators can still send something urgent."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.school.quiet import quiet_until

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_quiet_hours_span_midnight() -> None:
    """21:00-07:00: 22:30 and 03:00 wait until 07:00; 10:00 goes now."""
    evening = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)  # 22:30 in Brussels
    assert quiet_until(evening, BRUSSELS, "21:00", "07:00") == datetime(
        2026, 11, 24, 6, 0, tzinfo=UTC
    )
    night = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 03:00
    assert quiet_until(night, BRUSSELS, "21:00", "07:00") == datetime(
        2026, 11, 24, 6, 0, tzinfo=UTC
    )
    assert quiet_until(datetime(2026, 11, 24, 9, 0, tzinfo=UTC), BRUSSELS, "21:00", "07:00") is None
    assert quiet_until(evening, BRUSSELS, "12:00", "14:00") is None


async def test_an_evening_message_waits_for_the_morning(school: School, clock: ManualClock) -> None:
    """Juf Lies writes at 22:30; the parents get it at 07:00, not before."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    tom = await school.parent("Tom", "nl", "1A")
    clock.set(datetime(2026, 11, 23, 21, 30, tzinfo=UTC))
    await lies.send("Morgen geen zwemmen.")
    await lies.expect_text(
        school.t("nl", "announce.quiet_note", start="21:00", end="07:00", time="07:00")
    )
    await lies.press(school.t("nl", "announce.send_now"))
    await tom.send("/help")
    await tom.expect_text(school.help("nl", "parent"))
    assert not [m for m in tom.messages if "ann:seen:" in str(m.buttons)]
    clock.set(datetime(2026, 11, 24, 6, 1, tzinfo=UTC))
    sender = school.app.bot_data.sender
    assert sender is not None
    sender.wake()
    copy = await tom.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=10)
    assert "Morgen geen zwemmen." in copy.text


async def test_a_coordinator_can_send_urgently_at_night(school: School, clock: ManualClock) -> None:
    """Marked urgent, the message goes out at once; teachers do not get that button."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    tom = await school.parent("Tom", "nl", "1A")
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    await sofie.send("De school is morgen dicht door de storm.")
    preview = await sofie.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await sofie.press("◻️ " + school.t("nl", "announce.urgent_button"), message=preview)
    await sofie.wait_for(
        lambda u: "✅ " + school.t("nl", "announce.urgent_button") in str(preview.buttons)
    )
    assert (
        school.t("nl", "announce.quiet_note", start="21:00", end="07:00", time="07:00")
        not in preview.text
    )
    await sofie.press(school.t("nl", "announce.send_now"), message=preview)
    await tom.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=10)


async def test_a_coordinator_sets_the_quiet_hours(school: School, clock: ManualClock) -> None:
    """Sofie moves the quiet hours to 20:00-08:00: a 07:30 message now waits until 08:00."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    tom = await school.parent("Tom", "nl", "1A")
    await sofie.send("/quiethours")
    await sofie.expect_text(school.t("nl", "quiet.current", start="21:00", end="07:00"))
    await sofie.send("/quiethours 20u00 25:00")
    await sofie.expect_text(school.t("nl", "quiet.usage"))
    await sofie.send("/quiethours 20:00 8.00")
    await sofie.expect_text(school.t("nl", "quiet.changed", start="20:00", end="08:00"))
    clock.set(datetime(2026, 11, 24, 6, 30, tzinfo=UTC))  # 07:30 in Brussels
    await sofie.send("Vandaag geen zwemmen.")
    await sofie.expect_text(
        school.t("nl", "announce.quiet_note", start="20:00", end="08:00", time="08:00")
    )
    await tom.send("/quiethours")  # not for parents
    await tom.expect_text(school.t("nl", "error.not_allowed"))
    await sofie.send("/quiethours off")
    await sofie.expect_text(school.t("nl", "quiet.off", start="00:00", end="00:00"))
    await sofie.send("Vandaag wel zwemmen.")

    def previews() -> list[str]:
        return [m.text for m in sofie.messages if "ann:send:" in str(m.buttons)]

    await sofie.wait_for(lambda u: len(previews()) == 2)
    assert "🌙" in previews()[0] and "🌙" not in previews()[1]
