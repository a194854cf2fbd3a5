"""Stories of announcements sent later: picked or typed moments, restarts, changes of mind."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.restart import restarted


def is_copy(message: object) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(getattr(message, "buttons", ""))


async def draft(school: School, text: str) -> tuple[SimUser, SimUser, object]:
    """Juf Lies of 1A with parent Tom writes `text` and opens Send later…"""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    tom = await school.parent("Tom", "nl", "1A")
    await lies.send(text)
    preview = await lies.wait_for_message(lambda m: "ann:sched:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.schedule_button"), message=preview)
    await lies.wait_for(lambda u: "anns:" in str(preview.buttons))
    return lies, tom, preview


async def test_a_typed_moment_survives_a_restart(
    school: School, app: BotApp, settings: Settings, clock: ManualClock
) -> None:
    """Monday 10:00 Juf Lies plans Tuesday 08:15; the bot restarts; at 08:15 Tom gets it."""
    lies, tom, _ = await draft(school, "Vrijdag is er een schoolfeest.")
    await lies.send("24/11 08:15")
    planned = school.t("nl", "announce.scheduled", classes="1A", time="di 24 nov 08:15")
    scheduled = await lies.expect_text(planned)
    async with restarted(app, settings, clock) as fresh:
        assert fresh.bot_data.scheduler is not None
        pending = fresh.bot_data.scheduler.pending()
        assert [when for key, when in pending.items() if key.startswith("announcement:")] == [
            datetime(2026, 11, 24, 7, 15, tzinfo=UTC)
        ]
        clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))  # 08:00: not yet
        await tom.send("/help")
        await tom.expect_text(school.help("nl", "parent"))
        assert not [m for m in tom.messages if is_copy(m)]
        clock.set(datetime(2026, 11, 24, 7, 15, tzinfo=UTC))
        copy = await tom.wait_for_message(is_copy, timeout=10)
        assert "Vrijdag is er een schoolfeest." in copy.text
        await lies.wait_for(
            lambda u: "📤" in scheduled.text and "ann:unseen:" in str(scheduled.buttons)
        )
    assert len([m for m in tom.messages if is_copy(m)]) == 1


async def test_a_suggested_moment_then_send_now(school: School, clock: ManualClock) -> None:
    """She taps tomorrow 07:30, changes her mind and taps Send now: it goes at once, once."""
    lies, tom, preview = await draft(school, "Morgen turnen.")
    await lies.press("di 24 nov 07:30", message=preview)
    await lies.wait_for(lambda u: "ann:now:" in str(preview.buttons))
    assert (
        school.t("nl", "announce.scheduled", classes="1A", time="di 24 nov 07:30") == preview.text
    )
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    await tom.wait_for_message(is_copy, timeout=10)
    clock.set(datetime(2026, 11, 24, 6, 31, tzinfo=UTC))  # the old moment passes: nothing more
    await tom.send("/help")
    await tom.expect_text(school.help("nl", "parent"))
    assert len([m for m in tom.messages if is_copy(m)]) == 1


async def test_a_cancelled_schedule_never_goes_out(school: School, clock: ManualClock) -> None:
    """Planned, then cancelled: the moment passes and Tom receives nothing; the old button is stale."""
    lies, tom, preview = await draft(school, "Uitstap gaat niet door.")
    await lies.press("ma 23 nov 12:00", message=preview)
    await lies.wait_for(lambda u: "ann:now:" in str(preview.buttons))
    send_now = next(d for row in preview.buttons for _, d in row if d.startswith("ann:now:"))
    await lies.press(school.t("nl", "announce.cancel"), message=preview)
    await lies.wait_for(lambda u: preview.text == school.t("nl", "announce.cancelled"))
    clock.set(datetime(2026, 11, 23, 11, 1, tzinfo=UTC))
    await tom.send("/help")
    await tom.expect_text(school.help("nl", "parent"))
    assert not [m for m in tom.messages if is_copy(m)]
    answer = await lies.wait_callback_answer(await lies.press_data(send_now))
    assert answer.text == school.t("nl", "error.stale_button")


async def test_moments_that_cannot_be_used(school: School) -> None:
    """Nonsense, the past and next year are refused with a clear answer; Back returns to the preview."""
    lies, _, preview = await draft(school, "Oudercontact volgende week.")
    await lies.send("morgen ergens")
    await lies.expect_text(school.t("nl", "announce.schedule_bad", example="25/11 08:15"))
    await lies.send("23/11/2026 08:00")
    await lies.expect_text(school.t("nl", "announce.schedule_out_of_range", days=90))
    await lies.press(school.t("nl", "announce.back"), message=preview)
    await lies.wait_for(lambda u: "ann:send:" in str(preview.buttons))


async def test_after_picking_a_moment_the_next_text_is_a_new_message(school: School) -> None:
    """Once a moment is tapped, what Juf Lies types next is a new announcement, not a time."""
    lies, _, preview = await draft(school, "Maandag zwemmen.")
    await lies.press("di 24 nov 07:30", message=preview)
    await lies.wait_for(lambda u: "ann:now:" in str(preview.buttons))
    await lies.send("Dinsdag turnen.")
    await lies.wait_for(
        lambda u: (
            len([m for m in u.messages if "ann:sched:" in str(m.buttons)]) == 1
            and "ann:sched:" not in str(preview.buttons)
        )
    )
