"""Stories of two-way conversations: parents write in their language, the team answers in Dutch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import Conversation, InboxMessage
from bot.simulator import SimUser
from tests.helpers.argos_model import install_translation_models


@pytest.fixture
async def class_1a(school: School, model_files: Path) -> dict[str, SimUser]:
    """Class 1A: Juf Lies, coordinator Sofie, Meester Karim (3B), Mehmet (Turkish) and Tom."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "3B")
    return {
        "sofie": sofie,
        "lies": await school.teacher(sofie, "Juf Lies", "1A"),
        "karim": await school.teacher(sofie, "Meester Karim", "3B"),
        "Mehmet": await school.parent("Mehmet", "tr", "1A"),
        "Tom": await school.parent("Tom", "nl", "1A"),
    }


def with_button(data: str) -> object:
    """A predicate: a message with a button whose callback data starts with `data`."""
    return lambda m: any(d.startswith(data) for row in m.buttons for _, d in row)


async def test_a_turkish_parent_and_a_dutch_answer(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Mehmet writes twice in Turkish (one notification); Juf Lies answers in Dutch; he reads Turkish."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    await mehmet.send("Merhaba, oğlum yarın hasta.")
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    note = await lies.wait_for_message(with_button("conv:ans:"))
    assert school.t("nl", "team.translated", text="[en>nl]") in note.text
    await mehmet.send("Okula gelemiyor.")
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    await lies.send("/inbox")
    await lies.expect_text(school.t("nl", "inbox.heading", count=1))
    entry = await lies.wait_for_message(lambda m: m.text.startswith("👤 Mehmet"))
    assert "Okula gelemiyor." in entry.text and "Merhaba" in entry.text
    assert len([m for m in lies.messages if "conv:ans:" in str(m.buttons)]) == 2  # note + inbox
    await lies.press(school.t("nl", "inbox.answer_button"), message=note)
    await lies.expect_text(school.t("nl", "inbox.answer_prompt", name="Mehmet", language="Turks"))
    await lies.send("Beterschap! Geen probleem.")
    await lies.expect_text(school.t("nl", "inbox.answer_sent", name="Mehmet"))
    answer = await mehmet.wait_for_message(with_button("cans:orig:"))
    assert "[en>tr]" in answer.text and "Juf Lies" in answer.text
    await mehmet.press(school.t("tr", "announce.button_original"), message=answer)
    await mehmet.wait_for(lambda u: "Beterschap! Geen probleem." in answer.text)
    await lies.press(school.t("nl", "inbox.handled_button"), message=note)
    await lies.expect_text(school.t("nl", "inbox.handled", name="Mehmet"))
    await lies.send("/inbox")
    await lies.expect_text(school.t("nl", "inbox.empty"))
    async with school.app.bot_data.sessions() as session:
        rows = list(await session.exec(select(InboxMessage).order_by(InboxMessage.id)))
    assert [(r.direction, r.text) for r in rows] == [
        ("in", "Merhaba, oğlum yarın hasta."),
        ("in", "Okula gelemiyor."),
        ("out", "Beterschap! Geen probleem."),
    ]


async def test_pass_to_a_colleague_and_the_school_office(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Tom asks for the school office; Sofie passes it to Meester Karim, who answers."""
    sofie, karim, tom = class_1a["sofie"], class_1a["karim"], class_1a["Tom"]
    await tom.send("Kan ik een attest krijgen voor de mutualiteit?")
    await tom.press(school.t("nl", "conversation.to_school_button"))
    await tom.expect_text(school.t("nl", "conversation.moved_to_school"))
    note = await sofie.wait_for_message(with_button("conv:pass:"))
    assert "attest" in note.text
    await sofie.press(school.t("nl", "inbox.pass_button"), message=note)
    await sofie.press("Meester Karim")
    await sofie.expect_text(school.t("nl", "inbox.passed", name="Meester Karim"))
    passed = await karim.wait_for_message(with_button("conv:ans:"))
    await karim.press(school.t("nl", "inbox.answer_button"), message=passed)
    await karim.send("Ja, morgen ligt het klaar.")
    await tom.expect_text("Ja, morgen ligt het klaar.")
    lies = class_1a["lies"]
    data = next(d for row in note.buttons for _, d in row if d.startswith("conv:ans:"))
    answer = await lies.wait_callback_answer(await lies.press_data(data))  # not hers any more
    assert answer.text == school.t("nl", "error.stale_button")


async def test_i_do_not_understand_and_a_parent_who_left(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Mehmet taps "I don't understand"; before Juf Lies answers he blocks the bot: she is told."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    await lies.send("Morgen is er klassenraad; de kinderen hebben vrij.")
    await lies.press(school.t("nl", "announce.send_now"))
    copy = await mehmet.wait_for_message(with_button("ann:help:"), timeout=10)
    await mehmet.press(school.t("tr", "announce.button_help"), message=copy)
    await mehmet.expect_text(school.t("tr", "announce.help_received"))
    excerpt = "Morgen is er klassenraad; de kinderen hebben vrij."
    request = await lies.expect_text(
        school.t("nl", "team.help_request", name="Mehmet", language="Turks", text=excerpt)
    )
    mehmet.block()
    await lies.press(school.t("nl", "inbox.answer_button"), message=request)
    await lies.send("Morgen geen school voor de kinderen.")
    await lies.expect_text(school.t("nl", "inbox.answer_blocked", name="Mehmet"))
    async with school.app.bot_data.sessions() as session:
        kinds = [r.kind for r in await session.exec(select(InboxMessage).order_by(InboxMessage.id))]
    assert kinds == ["help", "text"]  # the answer is kept


async def test_an_answer_to_a_forgotten_conversation(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Tom writes, then uses /forget; Juf Lies's answer finds nothing and she is told so."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await tom.send("Wanneer is het oudercontact?")
    note = await lies.wait_for_message(with_button("conv:ans:"))
    await lies.press(school.t("nl", "inbox.answer_button"), message=note)
    await tom.send("/forget")
    await tom.press(school.t("nl", "forget.yes"))
    await tom.expect_text(school.t("nl", "forget.done"))
    await lies.send("Volgende donderdag.")
    await lies.expect_text(school.t("nl", "inbox.gone"))


async def test_retention_and_the_daily_summary(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """At 16:00 Juf Lies hears two conversations wait; at 03:15 the 40-day-old one goes, not the new one."""
    lies, sofie, tom, mehmet = (class_1a[n] for n in ("lies", "sofie", "Tom", "Mehmet"))
    await sofie.send("/retention 30")
    await sofie.expect_text(school.t("nl", "retention.days", days=30))
    await tom.send("Oude vraag.")
    await lies.wait_for_message(lambda m: "Oude vraag." in m.text)
    await mehmet.send("Yeni soru.")
    await lies.wait_for_message(lambda m: "Yeni soru." in m.text)
    services = school.app.bot_data
    async with services.sessions() as session:  # Tom's conversation went quiet 40 days ago
        old = (await session.exec(select(Conversation).order_by(Conversation.id))).first()
        assert old is not None
        old.updated_at = clock.now() - timedelta(days=40)
        session.add(old)
        await session.commit()
    clock.set(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # Monday 16:00 in Brussels
    await lies.expect_text(school.t("nl", "inbox.summary", count=2))
    assert services.scheduler is not None
    await services.scheduler.ran("inbox-summary", 1)
    clock.set(datetime(2026, 11, 24, 2, 15, tzinfo=UTC))  # Tuesday 03:15: retention
    await services.scheduler.ran("retention", 1)
    clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # Tuesday 16:00: the next summary
    await lies.expect_text(school.t("nl", "inbox.summary", count=1))
    async with services.sessions() as session:
        left = [r.text for r in await session.exec(select(InboxMessage))]
        conversations = list(await session.exec(select(Conversation)))
    assert left == ["Yeni soru."] and len(conversations) == 1


async def test_a_language_buddy_helps_when_both_agree(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Fatima volunteers; Sofie asks her to help Youssef; both say yes and only then meet."""
    sofie = class_1a["sofie"]
    fatima = await school.parent("Fatima", "ar", "3B")
    youssef = await school.parent("Youssef", "ar", "1A")
    await fatima.send("/buddy")
    await fatima.press(school.t("ar", "buddy.yes_button"))
    await fatima.expect_text(school.t("ar", "buddy.on"))
    await youssef.send("لا أفهم الرسالة عن المدرسة")
    await sofie.send("/inbox")
    entry = await sofie.wait_for_message(lambda m: m.text.startswith("👤 Youssef"))
    await sofie.press(school.t("nl", "inbox.buddy_button"), message=entry)
    await sofie.press("Fatima")
    await sofie.expect_text(school.t("nl", "buddy.asked", name="Fatima"))
    await fatima.expect_text(school.t("ar", "buddy.request", language="العربية"))
    assert not [m for m in youssef.messages if "Fatima" in m.text]  # nothing shared yet
    await fatima.press(school.t("ar", "buddy.yes_button"))
    await youssef.expect_text(school.t("ar", "buddy.offer", name="Fatima"))
    await youssef.press(school.t("ar", "buddy.yes_button"))
    met = await youssef.expect_text(school.t("ar", "buddy.connected", name="Fatima"))
    mention = [e for e in met.raw.get("entities", []) if e["type"] == "text_mention"]
    assert mention and mention[0]["user"]["id"] == fatima.id
    await fatima.expect_text(school.t("ar", "buddy.connected", name="Youssef"))
    await sofie.expect_text(school.t("nl", "buddy.team_agreed", buddy="Fatima", parent="Youssef"))


async def test_no_buddy_contact_without_the_parents_yes(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Mehmet says no to the offer: nobody gets contact details; Sofie hears it did not happen."""
    sofie, mehmet = class_1a["sofie"], class_1a["Mehmet"]
    ayse = await school.parent("Ayşe", "tr", "3B")
    await ayse.send("/buddy")
    await ayse.press(school.t("tr", "buddy.yes_button"))
    await mehmet.send("Merhaba")
    await sofie.send("/inbox")
    entry = await sofie.wait_for_message(lambda m: m.text.startswith("👤 Mehmet"))
    await sofie.press(school.t("nl", "inbox.buddy_button"), message=entry)
    await sofie.press("Ayşe")
    await ayse.press(
        school.t("tr", "buddy.yes_button"),
        message=await ayse.wait_for_message(lambda m: "bud:yes:" in str(m.buttons)),
    )
    await mehmet.press(
        school.t("tr", "buddy.no_button"),
        message=await mehmet.wait_for_message(lambda m: "bud:pno:" in str(m.buttons)),
    )
    await sofie.expect_text(school.t("nl", "buddy.team_declined", buddy="Ayşe", parent="Mehmet"))
    connected = school.t("tr", "buddy.connected", name="Ayşe").split("Ayşe")[0]
    assert not [m for m in mehmet.messages + ayse.messages if connected in m.text]


async def test_two_answer_at_once_and_a_teacher_who_left(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies and Sofie both answer Tom: he gets each answer once. Then Lies leaves: Sofie hears Tom."""
    lies, sofie, tom = class_1a["lies"], class_1a["sofie"], class_1a["Tom"]
    await tom.send("Is er morgen opvang?")
    note = await lies.wait_for_message(with_button("conv:ans:"))
    await sofie.send("/inbox")
    entry = await sofie.wait_for_message(lambda m: m.text.startswith("👤 Tom"))
    await lies.press(school.t("nl", "inbox.answer_button"), message=note)
    await sofie.press(school.t("nl", "inbox.answer_button"), message=entry)
    await lies.send("Ja, tot 18 uur.")
    await sofie.send("Ja, de opvang is open.")
    await tom.expect_text("Ja, tot 18 uur.")
    await tom.expect_text("Ja, de opvang is open.")
    assert len([m for m in tom.messages if "Ja, tot 18 uur." in m.text]) == 1
    await lies.send("/forget")
    await lies.press(school.t("nl", "forget.yes"))
    await lies.expect_text(school.t("nl", "forget.done"))
    await tom.send("Dank u!")
    await sofie.wait_for_message(lambda m: "Dank u!" in m.text and "conv:ans:" in str(m.buttons))
