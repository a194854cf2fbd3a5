"""Stories of a teacher who used /forget: what she sent stays the school's, under the school's name.

The clock stands on Monday 23 November 2026, 10:00 in Brussels; the test models turn every
sentence into one marker, such as `[en>tr]`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import School as SchoolRow
from bot.simulator import SimUser
from tests.helpers.announcements import announcement_class_1a

__all__ = ["announcement_class_1a"]  # the fixture class_1a of the announcement stories


def is_copy(message: object) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(getattr(message, "buttons", ""))


async def school_name(school: School) -> str:
    """The school's name as the bot stores it."""
    services = school.app.bot_data
    async with services.sessions() as session:
        row = await session.get(SchoolRow, services.school_id)
    assert row is not None and row.name
    return row.name


async def test_a_forgotten_teachers_messages_carry_the_schools_name(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Juf Lies plans a message for Tuesday 08:15 and answers Mehmet, then uses /forget: at 08:15
    the copies open with the school's name (never "📣  (1A):"), and so does the 🔤 Original of
    her answer to Mehmet ("Answer from the school", never "Answer from :")."""
    lies, mehmet, tom = class_1a["lies"], class_1a["Mehmet"], class_1a["Tom"]
    name = await school_name(school)
    await lies.send("Vrijdag is er een schoolfeest.")
    preview = await lies.wait_for_message(lambda m: "ann:sched:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.schedule_button"), message=preview)
    await lies.wait_for(lambda u: "anns:" in str(preview.buttons))
    await lies.send("24/11 08:15")
    await lies.expect_text(
        school.t("nl", "announce.scheduled", classes="1A", time="di 24 nov 08:15")
    )
    await mehmet.send("Okul gezisi ne zaman?")
    note = await lies.wait_for_message(lambda m: "conv:ans:" in str(m.buttons))
    await lies.press(school.t("nl", "inbox.answer_button"), message=note)
    await lies.wait_for_message(lambda m: "/cancel" in m.text)
    await lies.send("Vrijdag om 9 uur.")
    answer = await mehmet.wait_for_message(lambda m: "Juf Lies" in m.text and "[en>tr]" in m.text)
    await lies.send("/forget")
    await lies.expect_text(school.t("nl", "forget.confirm_staff"))
    await lies.press(school.t("nl", "forget.yes"))
    await lies.expect_text(school.t("nl", "forget.done"))

    clock.set(datetime(2026, 11, 24, 7, 15, tzinfo=UTC))  # Tuesday 08:15 in Brussels
    copy = await mehmet.wait_for_message(is_copy, timeout=10)
    heading = school.t("tr", "announce.from", sender=name, classes="1A")
    assert heading in copy.text and "📣  (" not in copy.text
    dutch = await tom.wait_for_message(is_copy, timeout=10)
    assert school.t("nl", "announce.from", sender=name, classes="1A") in dutch.text
    await mehmet.press(school.t("tr", "announce.button_original"), message=answer)
    original = school.t("tr", "conversation.answer", sender=name, text="Vrijdag om 9 uur.")
    await mehmet.wait_for(lambda u: answer.text == original)
