"""Stories of parents asking about an announcement: in their language, in writing or by voice."""

from __future__ import annotations

from sqlmodel import select

from bot.demo.school import School
from bot.models import InboxMessage
from bot.simulator import SimUser
from tests.helpers.announcements import TEXT, announcement_class_1a, send_announcement

__all__ = ["announcement_class_1a"]  # the fixture class_1a, shared with the announcement stories


def is_copy(message: object) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(getattr(message, "buttons", ""))


async def test_an_arabic_question_reaches_the_teacher_in_dutch(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina taps 💬, writes in Arabic; Juf Lies reads it in Dutch under her announcement; the report counts it."""
    lies, amina = class_1a["lies"], class_1a["Amina"]
    await send_announcement(school, lies)
    copy = await amina.wait_for_message(is_copy, timeout=10)
    await amina.press(school.t("ar", "announce.button_question"), message=copy)
    await amina.expect_text(school.t("ar", "announce.question_prompt"))
    await amina.send("هل يحتاج ابني إلى حذاء رياضي؟")
    await amina.expect_text(school.t("ar", "parent.question_received"))
    note = await lies.expect_text(school.t("nl", "team.question_about", text=TEXT))
    assert "هل يحتاج ابني إلى حذاء رياضي؟" in note.text
    assert school.t("nl", "team.translated", text="[en>nl]") in note.text  # Arabic via English
    await lies.wait_for(
        lambda u: any(
            school.t("nl", "announce.report_questions", count=1) in m.text for m in u.messages
        ),
        timeout=10,
    )
    async with school.app.bot_data.sessions() as session:
        row = (await session.exec(select(InboxMessage))).one()
    assert row.announcement_id is not None and row.language == "ar"
    await amina.send("شكرا")  # the next message is an ordinary one again
    await amina.expect_text(school.t("ar", "conversation.received", who="Juf Lies"))


async def test_a_voice_question_and_a_changed_mind(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Mehmet asks by voice; Tom taps 💬 then /cancel, and his next message is an ordinary one."""
    lies, mehmet, tom = class_1a["lies"], class_1a["Mehmet"], class_1a["Tom"]
    await send_announcement(school, lies)
    copy = await mehmet.wait_for_message(is_copy, timeout=10)
    await mehmet.press(school.t("tr", "announce.button_question"), message=copy)
    await mehmet.expect_text(school.t("tr", "announce.question_prompt"))
    await mehmet.send_voice(b"OggS soru", duration=5)
    await mehmet.expect_text(school.t("tr", "parent.question_received"))
    voice = await lies.wait_for_message(lambda m: m.kind == "voice")
    assert school.tg.file_bytes(voice.file_id) == b"OggS soru"
    tom_copy = await tom.wait_for_message(is_copy, timeout=10)
    await tom.press(school.t("nl", "announce.button_question"), message=tom_copy)
    await tom.expect_text(school.t("nl", "announce.question_prompt"))
    await tom.send("/cancel")
    await tom.expect_text(school.t("nl", "common.cancelled"))
    await tom.send("Tot morgen!")
    await tom.expect_text(school.t("nl", "conversation.received", who="Juf Lies"))


async def test_a_forged_question_button_is_refused(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Zahra presses Question on Tom's copy by forging the button: she is told it no longer works."""
    await send_announcement(school, class_1a["lies"])
    tom_copy = await class_1a["Tom"].wait_for_message(is_copy, timeout=10)
    data = next(d for row in tom_copy.buttons for _, d in row if d.startswith("ann:ask:"))
    zahra = class_1a["Zahra"]
    answer = await zahra.wait_callback_answer(await zahra.press_data(data))
    assert answer.text == school.t("fa", "error.stale_button")
