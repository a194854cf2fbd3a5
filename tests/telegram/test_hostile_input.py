"""Hostile input answered cleanly: forged buttons, long start codes, emoji floods, edited messages.

Every press gets an answer (no spinner left turning), nobody gets "something went wrong" for what
they typed or pressed, and the log has no traceback.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import Announcement
from bot.simulator import SimUser
from bot.simulator.checks import utf16_len
from bot.simulator.state import BotMessage
from tests.helpers.hostile import edit, forged_data

FLOOD = "😀" * 2048  # 4,096 UTF-16 code units: the most a Telegram message holds
PER_MINUTE = 50  # forged presses per person a minute: below the flood control's limit


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The ERROR lines logged so far."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def has_button(prefix: str):  # type: ignore[no-untyped-def]
    """A message with a button whose data starts with `prefix`."""
    return lambda m: any(d.startswith(prefix) for row in m.buttons for _, d in row)


def flood_in(messages: list[BotMessage]) -> int:
    """How many of the flood's emoji arrived, over every message."""
    return sum(m.text.count("😀") for m in messages)


async def test_forged_numbers_in_buttons_get_the_stale_answer(
    school: School, caplog: pytest.LogCaptureFixture
) -> None:
    """Superscripts, Arabic-Indic digits, 1e5, 20 digits: "this button no longer works"."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    hodan = await school.parent("Hodan", "so", "1A")
    stale = school.t("so", "error.stale_button")
    forged = (
        "ann:seen:²", "ann:ask:١٢", "ann:help:1e5", "ann:seen:12345678901234567890",
        "annc:1:99999999999999999999", "convp:1:²", "budask:²:1", "pq:²:hard:a",
        "rsvp:n²:1", "cans:orig:9223372036854775808",
    )  # fmt: skip
    with caplog.at_level(logging.ERROR):
        for data in forged:
            answer = await hodan.wait_callback_answer(await hodan.press_data(data))
            assert answer.text == stale, data
    assert errors(caplog) == []


async def test_a_malformed_press_under_a_conversation_is_answered(school: School) -> None:
    """Answer / Handled / Pass on with broken data: the spinner stops, with the stale answer."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    hodan = await school.parent("Hodan", "so", "1A")
    await hodan.send("Salaan, wiilkaygu maanta wuu jiran yahay.")
    await sofie.wait_for_message(has_button("conv:ans:"))
    for data in ("conv:ans:²", "conv:done:", "conv:pass:1e5", "conv:export:-1"):
        answer = await sofie.wait_callback_answer(await sofie.press_data(data))
        assert answer.text == school.t("nl", "error.stale_button"), data


async def test_a_typed_number_in_superscript_gets_the_usage_hint(school: School) -> None:
    """/retention ² is no number of days: the coordinator is told how to write it."""
    sofie = await school.coordinator()
    for typed in ("²", "١٢", "99999999999999999999"):
        await sofie.send(f"/retention {typed}")
        await sofie.expect_text(school.t("nl", "retention.usage"))


@pytest.mark.parametrize("length", [57, 64])
async def test_a_long_start_code_still_gets_the_language_picker(
    school: School, length: int
) -> None:
    """A 57-64 character code (as long as Telegram allows) is nobody's: picker, then "unknown"."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lena = school.person("Lena", language_code="pl")
    await lena.send("/start " + ("Ab3_-" * 13)[:length])
    await lena.expect_text(school.t("pl", "start.choose_language"))
    await school.pick_language(lena, "pl")
    await lena.expect_text(school.t("pl", "start.bad_code"))


async def test_a_parents_2048_emoji_reach_the_team_whole(school: School) -> None:
    """Telegram counts emoji twice: the notice comes in parts that fit, with nothing cut off."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    hodan = await school.parent("Hodan", "so", "1A")
    await hodan.send(FLOOD)
    await hodan.expect_text(school.t("so", "conversation.received", who="Sofie"))
    await sofie.wait_for_message(has_button("conv:ans:"))
    assert flood_in(sofie.messages) == 2048
    assert all(utf16_len(m.text) <= 4096 for m in sofie.messages)


async def test_a_2048_emoji_announcement_reaches_parents_whole(school: School) -> None:
    """A teacher's emoji-only announcement goes out in parts that fit, every emoji in them."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    tom = await school.parent("Tom", "nl", "1A")
    await lies.send(FLOOD)
    await lies.wait_for_message(has_button("ann:send:"))
    await lies.press(school.t("nl", "announce.send_now"))
    await tom.wait_for_message(has_button("ann:seen:"))
    assert flood_in(tom.messages) == 2048
    assert all(utf16_len(m.text) <= 4096 for m in tom.messages)


async def test_a_parent_who_changes_a_sent_message_gets_a_note_not_a_second_receipt(
    school: School,
) -> None:
    """The edit is not kept as a second message: one receipt, one notice, and a short note."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    ioana = await school.parent("Ioana", "ro", "1A")
    received = school.t("ro", "conversation.received", who="Sofie")
    sent = await ioana.send("Bună ziua, mâine Maria vine mai târziu.")
    await ioana.expect_text(received)
    await sofie.wait_for_message(has_button("conv:ans:"))
    await edit(ioana, sent, "Bună ziua, mâine Maria vine mai devreme.")
    await ioana.expect_text(school.t("ro", "edit.not_passed_on"))
    await ioana.send("/mydata")
    mydata = await ioana.next_message()
    assert school.t("ro", "mydata.messages", messages=1) in mydata.text
    assert [m.text for m in ioana.messages].count(received) == 1
    assert len([m for m in sofie.messages if has_button("conv:ans:")(m)]) == 1


async def test_a_teacher_who_corrects_the_text_just_sent_changes_the_draft(
    school: School,
) -> None:
    """Editing the message a draft came from changes that draft: no second draft to send."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    tom = await school.parent("Tom", "nl", "1A")
    sent = await lies.send("Morgen gaan we naar het bos. Breng laarzen mee!")
    preview = await lies.wait_for_message(has_button("ann:send:"))
    await edit(lies, sent, "Overmorgen gaan we naar het bos. Breng laarzen mee!")
    await lies.expect_text(school.t("nl", "edit.draft_updated"))
    assert [a.text for a in await announcements_of(school, lies)] == [
        "Overmorgen gaan we naar het bos. Breng laarzen mee!"
    ]
    assert len([m for m in lies.messages if has_button("ann:send:")(m)]) == 1
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    await tom.expect_text("Overmorgen gaan we naar het bos.")


async def test_a_storm_of_hostile_updates_leaves_no_error_and_no_press_unanswered(
    school: School, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Forged data under every handler from three people, then a long code, an emoji flood and
    edits: every press answered, nobody told "something went wrong", no traceback."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    hodan = await school.parent("Hodan", "so", "1A")
    amina = await school.parent("Amina", "ar", "1A")
    question = await hodan.send("Salaan, goorma ayaa dugsigu furmayaa?")
    await lies.wait_for_message(has_button("conv:ans:"))
    draft = await lies.send("Morgen is er geen school.")
    await lies.wait_for_message(has_button("ann:send:"))
    command = await sofie.send("/help")
    await sofie.expect_text(school.help("nl", "coordinator"))
    lena = school.person("Lena", language_code="uk")
    forged = forged_data()
    with caplog.at_level(logging.WARNING):
        for start in range(0, len(forged), PER_MINUTE):  # a minute's worth each, for 16 minutes
            presses = [
                (person, await person.press_data(data))
                for person in (sofie, lies, hodan)
                for data in forged[start : start + PER_MINUTE]
            ]
            for person, cb in presses:
                await person.wait_callback_answer(cb, timeout=30)
            clock.advance(timedelta(minutes=1))
        await lena.send("/start " + "Z" * 64)
        await amina.send(FLOOD)
        await edit(hodan, question, "Salaan, goorma ayuu dugsigu xirmayaa?")
        await edit(lies, draft, "Overmorgen is er geen school.")
        await edit(sofie, command, "/forget")  # an edited command does not run again
        await lena.expect_text(school.t("uk", "start.choose_language"), timeout=30)
        await lies.expect_text(school.t("nl", "edit.draft_updated"), timeout=30)
        await hodan.expect_text(school.t("so", "edit.not_passed_on"), timeout=30)
        await sofie.expect_text(school.t("nl", "edit.not_passed_on"), timeout=30)
        await lies.wait_for(lambda lies: flood_in(lies.messages) == 2048, timeout=30)
        await hodan.send("/help")
        await hodan.expect_text(school.help("so", "parent"), timeout=30)
    assert school.tg.open_callbacks == set()
    assert errors(caplog) == []
    assert not any(m.shows(school.t("nl", "forget.confirm")) for m in sofie.messages)


async def announcements_of(school: School, user: SimUser) -> list[Announcement]:
    """The announcements (drafts too) a person wrote."""
    member = await school.member(user)
    assert member is not None
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(select(Announcement).where(Announcement.author_id == member.id))
        return list(rows)
