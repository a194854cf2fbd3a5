"""Stories of follow-ups: nothing a parent writes goes unseen (issue 15).

Every new message reaches the responsible teacher promptly, with its text (and the Dutch beside
it); at most one notification per conversation every 10 minutes, later messages folded into the
next one; in the quiet hours (21:00-07:00) it waits for the morning, also across a restart.
The clock starts on Monday 23 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.argos_model import install_translation_models
from tests.helpers.restart import restarted


@pytest.fixture
async def class_1a(school: School, model_files: Path) -> dict[str, SimUser]:
    """Class 1A: Juf Lies, Mehmet (Turkish) and Tom (Dutch)."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    return {
        "lies": await school.teacher(sofie, "Juf Lies", "1A"),
        "Mehmet": await school.parent("Mehmet", "tr", "1A"),
        "Tom": await school.parent("Tom", "nl", "1A"),
    }


def is_note(message: object) -> bool:
    """A notification to the team about a parent's message (it has the Answer button)."""
    return "conv:ans:" in str(getattr(message, "buttons", ""))


def notes(teacher: SimUser, words: str) -> list[object]:
    """The teacher's notifications that quote `words`."""
    return [m for m in teacher.messages if is_note(m) and words in m.text]


def told(teacher: SimUser, words: str) -> list[object]:
    """Notifications (💬), not /inbox entries (👤), that quote `words`."""
    return [m for m in notes(teacher, words) if getattr(m, "text", "").startswith("💬")]


async def settled(parent: SimUser, school: School, lang: str) -> None:
    """Everything the parent sent before has been handled (a person's updates run in order)."""
    await parent.send("/help")
    await parent.expect_text(school.help(lang, "parent"))


async def test_a_sick_note_after_i_do_not_understand_reaches_the_teacher_at_once(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Mehmet taps 🤷 (his conversation is open), then writes that his son is ill: Juf Lies reads it."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    await lies.send("Morgen gaan we naar het bos. Laarzen aan!")
    await lies.press(school.t("nl", "announce.send_now"))
    copy = await mehmet.wait_for_message(lambda m: "ann:help:" in str(m.buttons), timeout=10)
    await mehmet.press(school.t("tr", "announce.button_help"), message=copy)
    await mehmet.expect_text(school.t("tr", "announce.help_received"))
    await lies.wait_for_message(lambda m: "Mehmet" in m.text and is_note(m))
    await mehmet.send("Oğlum yarın hasta.")
    note = await lies.wait_for_message(lambda m: is_note(m) and "Oğlum yarın hasta." in m.text)
    assert school.t("nl", "team.translated", text="") in note.text  # the Dutch beside it
    assert note.text.startswith("💬") and "Mehmet" in note.text


async def test_three_messages_in_a_row_make_two_notifications_and_lose_nothing(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Tom writes at 10:00, 10:02 and 10:03: Lies is told at 10:00, then of both others at 10:10."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await tom.send("Mijn zoon is morgen ziek.")
    await lies.wait_for_message(lambda m: is_note(m) and "Mijn zoon is morgen ziek." in m.text)
    clock.advance(timedelta(minutes=2))
    await tom.send("Hij heeft koorts.")
    await tom.expect_text(school.t("nl", "conversation.received", who="Juf Lies"))
    clock.advance(timedelta(minutes=1))
    await tom.send("Hij blijft twee dagen thuis.")
    await settled(tom, school, "nl")
    assert len([m for m in lies.messages if is_note(m)]) == 1  # throttled: not yet
    services = school.app.bot_data
    assert services.scheduler is not None
    due = [w for k, w in services.scheduler.pending().items() if k.startswith("follow-up:")]
    assert due == [datetime(2026, 11, 23, 9, 10, tzinfo=UTC)]
    clock.set(datetime(2026, 11, 23, 9, 10, tzinfo=UTC))
    folded = await lies.wait_for_message(lambda m: is_note(m) and "koorts" in m.text)
    assert "Hij heeft koorts." in folded.text and "Hij blijft twee dagen thuis." in folded.text
    heading = school.t(
        "nl",
        "team.follow_ups",
        count=2,
        name="Tom",
        classes="Kind Tom (1A)",
        language="Nederlands",
    )
    assert folded.text.startswith(heading)
    await lies.press(school.t("nl", "inbox.answer_button"), message=folded)
    await lies.send("Beterschap!")
    await tom.expect_text("Beterschap!")
    await tom.send("Dank je!")  # after an answer: a new turn, told at once
    await lies.wait_for_message(lambda m: is_note(m) and "Dank je!" in m.text)
    assert len([m for m in lies.messages if is_note(m)]) == 3


async def test_a_message_in_the_quiet_hours_waits_for_the_morning_across_a_restart(
    school: School,
    class_1a: dict[str, SimUser],
    clock: ManualClock,
    app: BotApp,
    settings: Settings,
) -> None:
    """Mehmet writes at 22:30; the bot restarts in the night; Juf Lies reads it at 07:00, not before."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    clock.set(datetime(2026, 11, 23, 21, 30, tzinfo=UTC))  # Monday 22:30 in Brussels
    await mehmet.send("Yarın büyükannesi onu alacak.")
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    await settled(mehmet, school, "tr")
    assert not notes(lies, "büyükannesi")
    morning = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # Tuesday 07:00 in Brussels
    async with restarted(app, settings, clock) as fresh:
        assert fresh.bot_data.scheduler is not None
        pending = fresh.bot_data.scheduler.pending()
        assert [w for k, w in pending.items() if k.startswith("follow-up:")] == [morning]
        clock.set(morning - timedelta(minutes=1))
        await settled(mehmet, school, "tr")
        assert not notes(lies, "büyükannesi")
        clock.set(morning)
        note = await lies.wait_for_message(
            lambda m: is_note(m) and "Yarın büyükannesi onu alacak." in m.text, timeout=10
        )
        assert school.t("nl", "team.translated", text="") in note.text
    assert len(notes(lies, "büyükannesi")) == 1


async def held_for_the_morning(school: School) -> Coroutine[Any, Any, None]:
    """The notification armed for 07:00 (Tuesday): something to await until it has run."""
    scheduler = school.app.bot_data.scheduler
    assert scheduler is not None
    armed = [k for k, w in scheduler.pending().items() if k.startswith("follow-up:")]
    assert [scheduler.pending()[k] for k in armed] == [datetime(2026, 11, 24, 6, 0, tzinfo=UTC)]
    return scheduler.ran(armed[0], 1)


async def test_an_answer_in_the_evening_cancels_the_morning_notification(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Tom writes at 21:30; Juf Lies, still at her desk, finds it in /inbox and answers at once.
    At 07:00 she is not told about a conversation she already answered. When Tom writes again
    in the night, that new message still reaches her in the morning, alone."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    clock.set(datetime(2026, 11, 23, 20, 30, tzinfo=UTC))  # Monday 21:30 in Brussels
    await tom.send("Mag Emma morgen later komen?")
    await tom.expect_text(school.t("nl", "conversation.received", who="Juf Lies"))
    await lies.send("/inbox")
    entry = await lies.wait_for_message(lambda m: m.text.startswith("👤 Tom") and is_note(m))
    await lies.press(school.t("nl", "inbox.answer_button"), message=entry)
    await lies.send("Ja, geen probleem.")
    await tom.expect_text("Ja, geen probleem.")
    morning = await held_for_the_morning(school)
    clock.set(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # Tuesday 07:00: the quiet hours end
    await morning
    assert not told(lies, "Mag Emma morgen later komen?")
    clock.set(datetime(2026, 11, 24, 20, 30, tzinfo=UTC))  # Tuesday 21:30
    await tom.send("Ze is nog ziek.")
    await tom.expect_text(school.t("nl", "conversation.received", who="Juf Lies"))
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))  # Wednesday 07:00
    note = await lies.wait_for_message(lambda m: is_note(m) and "Ze is nog ziek." in m.text)
    assert "Mag Emma" not in note.text
    assert not told(lies, "Mag Emma morgen later komen?")


async def test_handled_in_the_evening_cancels_the_morning_notification(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Mehmet writes at 21:30 and thanks the teacher at 21:35; Juf Lies taps Handled in /inbox
    at 21:40. Nothing reaches her about it at 07:00."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    clock.set(datetime(2026, 11, 23, 20, 30, tzinfo=UTC))  # Monday 21:30 in Brussels
    await mehmet.send("Teşekkürler öğretmenim.")
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    clock.advance(timedelta(minutes=10))
    await lies.send("/inbox")
    entry = await lies.wait_for_message(lambda m: m.text.startswith("👤 Mehmet") and is_note(m))
    await lies.press(school.t("nl", "inbox.handled_button"), message=entry)
    await lies.expect_text(school.t("nl", "inbox.handled", name="Mehmet"))
    morning = await held_for_the_morning(school)
    clock.set(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # Tuesday 07:00
    await morning
    await lies.send("/inbox")
    await lies.expect_text(school.t("nl", "inbox.empty"))
    assert not told(lies, "Teşekkürler")
