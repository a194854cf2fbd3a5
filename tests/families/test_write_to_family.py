"""Stories of the team writing first to one family: good news about a child reaches each guardian
in their own language, threaded into their conversation, and the family's answer lands beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.demo.school import School
from bot.models import Conversation, InboxMessage
from bot.simulator import SimUser
from tests.helpers.family_messages import family, install_models, scan

NEWS = "Adam heeft vandaag fantastisch voorgelezen voor de klas."


@dataclass
class Adam:
    """Adam (1A): his mother Fatima reads Arabic, his father Youssef French. Sofie coordinates,
    Juf Lies teaches 1A, Meester Karim 2B; Sara (1A) is on the roster but nobody of her family joined yet."""

    sofie: SimUser
    lies: SimUser
    karim: SimUser
    fatima: SimUser
    youssef: SimUser
    family_id: int
    sara_family: int


@pytest.fixture
async def adam(school: School, model_files: Path) -> Adam:
    """The school, its two classes and teachers, and Adam's two guardians joined by letter."""
    install_models(school, model_files)
    sofie = await school.coordinator()
    for name in ("1A", "2B"):
        await school.new_class(sofie, name)
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    karim = await school.teacher(sofie, "Meester Karim", "2B")
    family_id, codes = await family(school, [("Adam", "1A")], languages="ar,fr")
    fatima = await scan(school, "Fatima", "ar", codes[0], "Adam (1A)", "mother")
    youssef = await scan(school, "Youssef", "fr", codes[1], "Adam (1A)", "father")
    sara_family, _ = await family(school, [("Sara", "1A")], languages="so")
    return Adam(sofie, lies, karim, fatima, youssef, family_id, sara_family)


def with_button(data: str) -> object:
    """A predicate: a message with a button whose callback data starts with `data`."""
    return lambda m: any(d.startswith(data) for row in m.buttons for _, d in row)


async def test_good_news_in_arabic_and_french_and_the_answer_in_the_thread(
    school: School, adam: Adam
) -> None:
    """Juf Lies writes good news to Adam's family; his mother reads it in Arabic, his father in
    French, the Dutch one tap away; the mother answers and Juf Lies finds it in the same thread."""
    lies, fatima, youssef = adam.lies, adam.fatima, adam.youssef
    await lies.send("/write")
    await lies.expect_text(school.t("nl", "families.write_pick_child"))
    await lies.press("Adam")
    await lies.expect_text(
        school.t(
            "nl", "families.write_prompt", children="Adam (1A)",
            guardians="Fatima (👩 Mama, Arabisch), Youssef (👨 Papa, Frans)",
        )
    )  # fmt: skip
    await lies.send(NEWS)
    preview = await lies.wait_for_message(with_button("fws:"))
    assert school.t("nl", "families.write_preview", children="Adam (1A)", text=NEWS) in preview.text
    arabic = school.t("nl", "status.one_translated", language="Arabisch")
    french = school.t("nl", "status.one_translated", language="Frans")
    assert f"• Fatima (👩 Mama, Arabisch): {arabic}" in preview.text
    assert f"• Youssef (👨 Papa, Frans): {french}" in preview.text
    await lies.press(school.t("nl", "families.write_send"), message=preview)
    report = await lies.expect_text(school.t("nl", "families.write_done", children="Adam (1A)"))
    assert school.t("nl", "families.write_sent", name="Fatima") + " " + arabic in report.text
    assert school.t("nl", "families.write_sent", name="Youssef") + " " + french in report.text

    to_mother = await fatima.wait_for_message(with_button("cans:orig:"))
    heading = school.t(
        "ar", "families.message_from", sender="Juf Lies", children="Adam (1A)", text=""
    )
    assert to_mother.text.startswith(heading.strip()) and "[en>ar]" in to_mother.text
    assert NEWS not in to_mother.text
    to_father = await youssef.wait_for_message(with_button("cans:orig:"))
    assert "[nl>fr]" in to_father.text and "Adam (1A)" in to_father.text
    await fatima.press(school.t("ar", "announce.button_original"), message=to_mother)
    await fatima.wait_for(lambda u: NEWS in to_mother.text)  # the Dutch original, in place

    await fatima.send("شكرا جزيلا، هو فخور جدا")
    await fatima.expect_text(school.t("ar", "conversation.received", who="Juf Lies"))
    note = await lies.wait_for_message(with_button("conv:ans:"))
    assert "شكرا جزيلا" in note.text
    await lies.send("/inbox")
    await lies.expect_text(school.t("nl", "inbox.heading", count=2))
    entry = await lies.wait_for_message(lambda m: m.text.startswith("👤 Fatima"))
    sent_line = school.t("nl", "families.line_to_family", children="Adam (1A)", text=NEWS)
    assert sent_line in entry.text and "شكرا جزيلا" in entry.text
    assert entry.text.index(sent_line) < entry.text.index("شكرا جزيلا")  # threaded, in order

    async with school.app.bot_data.sessions() as session:
        rows = list(await session.exec(select(InboxMessage).order_by(col(InboxMessage.id))))
        threads = list(await session.exec(select(Conversation)))
    mother = await school.member(fatima)
    assert mother is not None
    hers = [r for r in rows if r.member_id == mother.id]
    assert [(r.direction, r.family_id) for r in hers] == [("out", adam.family_id), ("in", None)]
    assert hers[0].conversation_id == hers[1].conversation_id  # one thread
    assert len(threads) == 2  # each guardian has their own conversation


async def test_another_class_and_a_family_nobody_joined(school: School, adam: Adam) -> None:
    """Meester Karim (2B) cannot write to Adam's family (1A) with a forged button; Juf Lies picks
    Sara, whose family has no guardian in the bot yet, and is offered the personal letter."""
    karim, lies = adam.karim, adam.lies
    forged = await karim.press_data(f"fw:{adam.family_id}")
    assert (await karim.wait_callback_answer(forged)).text == school.t("nl", "error.stale_button")
    await karim.send("/write")  # his only class, 2B, has nobody on the roster yet
    await karim.expect_text(school.t("nl", "families.write_no_pupils"))

    await lies.send("/write")
    await lies.press("Sara")
    nobody = await lies.expect_text(school.t("nl", "families.write_nobody", children="Sara (1A)"))
    assert nobody.buttons == [
        [(school.t("nl", "families.write_letter_button"), f"lt:f:{adam.sara_family}")]
    ]
    before = len(adam.fatima.messages)
    forged = await lies.press_data(f"fws:{adam.family_id}")  # Send without a typed message
    assert (await lies.wait_callback_answer(forged)).text == school.t("nl", "error.stale_button")
    assert len(adam.fatima.messages) == before  # nothing reached the family


async def test_the_coordinator_writes_and_the_answer_comes_back_to_her(
    school: School, adam: Adam
) -> None:
    """Sofie, coordinator, picks 1A then Adam and sends a photo with a caption; Youssef gets the
    photo and the caption in French, and his answer reaches her, because she started the thread."""
    sofie = adam.sofie
    await sofie.send("/write")
    await sofie.expect_text(school.t("nl", "families.write_pick_class"))
    await sofie.press("1A")
    await sofie.press("Adam")
    await sofie.send_photo(b"\x89PNG tekening", caption="Kijk wat Adam vandaag tekende!")
    preview = await sofie.wait_for_message(with_button("fws:"))
    assert "🖼 Kijk wat Adam vandaag tekende!" in preview.text
    await sofie.press(school.t("nl", "families.write_send"), message=preview)
    await sofie.expect_text(school.t("nl", "families.write_done", children="Adam (1A)"))
    photo = await adam.youssef.wait_for_message(lambda m: m.kind == "photo")
    assert school.tg.file_bytes(photo.file_id) == b"\x89PNG tekening"
    text = await adam.youssef.wait_for_message(with_button("cans:orig:"))
    assert "[nl>fr]" in text.text and "Adam (1A)" in text.text
    await adam.youssef.send("Oui, je passerai demain à 8h30.")
    await adam.youssef.expect_text(school.t("fr", "conversation.received", who="Sofie"))
    note = await sofie.wait_for_message(with_button("conv:ans:"))
    assert "Oui, je passerai demain" in note.text
