"""Stories of pictograms on announcements: a teacher adds pictures with one tap each, and every
parent receives them as one strip without words, with the message in their language."""

from __future__ import annotations

from bot.demo.school import School
from bot.pictograms.strip import strip_png
from bot.simulator import SimUser
from bot.simulator.state import BotMessage
from tests.helpers.announcements import announcement_class_1a

__all__ = ["announcement_class_1a"]  # the fixture class_1a, shared with the announcement stories
SWIM = "Vrijdag zwemmen, breng een handdoek mee."


def is_copy(message: object) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(getattr(message, "buttons", ""))


def is_preview(message: BotMessage) -> bool:
    """The author's preview (it has Send now)."""
    return "ann:send:" in str(message.buttons)


async def choose(school: School, teacher: SimUser, *labels: str) -> BotMessage:
    """Under the preview: 🖼, tap each pictogram (by its Dutch label), Done; the new preview."""
    await teacher.press(school.t("nl", "pictograms.button"))
    grid = await teacher.wait_for_message(
        lambda m: "apg:" in str(m.buttons) and "done" in str(m.buttons)
    )
    for label in labels:
        await teacher.press(label, message=grid)
        await teacher.wait_for(lambda u, label=label: f"✅ {label}" in " ".join(grid.labels))
    before = len(teacher.messages)
    await teacher.press(school.t("nl", "pictograms.done"), message=grid)
    return await teacher.wait_for_message(
        lambda m: is_preview(m) and teacher.messages.index(m) >= before, timeout=10
    )


def label(school: School, key: str, emoji: str) -> str:
    """A pictogram's button as a Dutch teacher reads it."""
    return f"{emoji} {school.t('nl', f'pictograms.{key}')}"


async def test_swimming_on_friday_reaches_amina_as_a_strip_with_her_arabic_text(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies writes about swimming, taps 🏊 and 🎒, sees the strip above her preview and sends:
    Amina gets one photo, the strip, with the Arabic text as its caption and the Dutch original
    at hand; every parent's strip is the same upload."""
    lies, amina, tom = class_1a["lies"], class_1a["Amina"], class_1a["Tom"]
    await lies.send(SWIM)
    await lies.wait_for_message(is_preview)
    swim, bring = label(school, "swimming", "🏊"), label(school, "bring", "🎒")
    preview = await choose(school, lies, swim, bring)
    strip = strip_png(("swimming", "bring"))
    shown = [m for m in lies.messages if m.kind == "photo" and not m.deleted]
    assert [school.tg.file_bytes(m.file_id) for m in shown] == [strip]  # above the new preview
    assert lies.messages.index(shown[0]) < lies.messages.index(preview)
    assert school.t("nl", "pictograms.preview_line", names=f"{swim}, {bring}") in preview.text
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    copy = await amina.wait_for_message(is_copy, timeout=10)
    assert copy.kind == "photo" and school.tg.file_bytes(copy.file_id) == strip
    assert "[en>ar]" in copy.caption  # the tiny test model's Arabic
    assert SWIM in copy.caption  # the school shows the Dutch original under the translation
    assert [m.kind for m in amina.messages if is_copy(m)] == ["photo"]  # one message, not two
    tom_copy = await tom.wait_for_message(is_copy, timeout=10)
    assert tom_copy.kind == "photo" and SWIM in tom_copy.caption
    parents = [class_1a[n] for n in ("Amina", "Mehmet", "Hodan", "Zahra", "Tom")]
    for parent in parents:
        await parent.wait_for(lambda u: any(is_copy(m) for m in u.messages), timeout=10)
    ids = {m.file_id for p in parents for m in p.messages if m.kind == "photo"}
    assert len(ids) == 1  # uploaded once, Telegram's file_id reused for every other parent


async def test_the_original_and_an_edit_change_the_caption_under_the_strip(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """With the Dutch original behind 🔤, Amina taps it: the caption becomes Dutch; Juf Lies then
    edits the day and Amina's caption changes in place (no new message)."""
    lies, amina = class_1a["lies"], class_1a["Amina"]
    await class_1a["sofie"].send("/dutchoriginal off")
    await class_1a["sofie"].expect_text(school.t("nl", "school.dutch_original_off"))
    await lies.send(SWIM)
    await lies.wait_for_message(is_preview)
    preview = await choose(school, lies, label(school, "swimming", "🏊"))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    copy = await amina.wait_for_message(is_copy, timeout=10)
    assert copy.kind == "photo" and SWIM not in copy.caption
    await amina.press(school.t("ar", "announce.button_original"), message=copy)
    await amina.wait_for(lambda u: SWIM in copy.caption)
    report = await lies.wait_for_message(
        lambda m: "ann:wd:" in str(m.buttons) and "📤" in m.text and " 5 " in m.text, timeout=10
    )
    await lies.press(school.t("nl", "announce.button_edit"), message=report)
    await lies.expect_text(school.t("nl", "announce.edit_prompt"))
    await lies.send("Donderdag zwemmen, breng een handdoek mee.")
    await amina.wait_for(
        lambda u: school.t("ar", "announce.edited_mark") in copy.caption, timeout=10
    )
    assert copy.kind == "photo" and len([m for m in amina.messages if is_copy(m)]) == 1


async def test_a_pictogram_tapped_twice_is_off_again_and_none_means_a_plain_message(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies taps 🏊, 🚌, 🏊 again: only the bus stays, in the order tapped. Then she takes the
    bus off too: the strip she saw disappears and Tom receives a plain text message."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await lies.send("Dinsdag gaan we op uitstap naar de zoo.")
    await lies.wait_for_message(is_preview)
    swim, bus = label(school, "swimming", "🏊"), label(school, "trip", "🚌")
    await lies.press(school.t("nl", "pictograms.button"))
    grid = await lies.wait_for_message(
        lambda m: "apg:" in str(m.buttons) and "done" in str(m.buttons)
    )
    for tap in (swim, bus, swim):
        await lies.press(tap, message=grid)
        await lies.wait_for(
            lambda u, tap=tap: tap in grid.text or "✅" not in " ".join(grid.labels)
        )
    await lies.wait_for(lambda u: school.t("nl", "pictograms.chosen", names=bus) in grid.text)
    assert f"✅ {bus}" in grid.labels and swim in grid.labels  # the swimmer is off again
    await lies.press(school.t("nl", "pictograms.done"), message=grid)
    strip = await lies.wait_for_message(lambda m: m.kind == "photo")
    assert school.tg.file_bytes(strip.file_id) == strip_png(("trip",))
    preview = await lies.wait_for_message(lambda m: is_preview(m) and "🖼" in m.text)
    await lies.press(school.t("nl", "pictograms.button"), message=preview)
    await lies.press(bus)
    await lies.wait_for(lambda u: school.t("nl", "pictograms.none_chosen") in u.messages[-1].text)
    await lies.press(school.t("nl", "pictograms.done"))
    await lies.wait_for(lambda u: strip.deleted and is_preview(u.messages[-1]))
    assert school.t("nl", "pictograms.preview_line", names=bus) not in lies.messages[-1].text
    await lies.press(school.t("nl", "announce.send_now"), message=lies.messages[-1])
    copy = await tom.wait_for_message(is_copy, timeout=10)
    assert copy.kind == "text" and not [m for m in tom.messages if m.kind == "photo"]


async def test_a_long_letter_gets_the_strip_first_and_then_its_text(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """A 1,500-character text does not fit under a photo (1,024): Tom gets the strip, then the
    whole text with the buttons. Withdrawn, both disappear."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    letter = "Beste ouders, volgende week gaan we elke dag zwemmen in het stedelijk bad. " * 20
    letter = letter[:1500]
    await lies.send(letter)
    await lies.wait_for_message(is_preview)
    preview = await choose(
        school, lies, label(school, "swimming", "🏊"), label(school, "pay", "🪙")
    )
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    copy = await tom.wait_for_message(is_copy, timeout=10)
    assert [m.kind for m in tom.messages][-2:] == ["photo", "text"]
    photo = tom.messages[-2]
    assert not photo.caption and school.tg.file_bytes(photo.file_id) == strip_png(
        ("swimming", "pay")
    )
    assert letter.strip() in copy.text
    report = await lies.wait_for_message(
        lambda m: "ann:wd:" in str(m.buttons) and "📤" in m.text and " 5 " in m.text, timeout=10
    )
    await lies.press(school.t("nl", "announce.button_withdraw"), message=report)
    await lies.press(school.t("nl", "announce.withdraw_yes"))
    await tom.wait_for(lambda u: photo.deleted and copy.deleted, timeout=10)


async def test_forged_and_late_pictogram_presses_are_refused(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """An unknown pictogram, another person's draft and a press after sending all get "this
    button no longer works", and change nothing."""
    lies, sofie, mehmet = class_1a["lies"], class_1a["sofie"], class_1a["Mehmet"]
    await lies.send(SWIM)
    preview = await lies.wait_for_message(is_preview)
    data = next(d for row in preview.buttons for _, d in row if d.startswith("apg:"))
    draft = data.split(":")[1]
    stale = school.t("nl", "error.stale_button")
    for forged in (
        f"apg:{draft}:unicorn",
        f"apg:{draft}:",
        "apg:x:swimming",
        f"apg:{draft}:swimming:1",
    ):
        answer = await lies.wait_callback_answer(await lies.press_data(forged))
        assert answer.text == stale, forged
    for other, lang in ((sofie, "nl"), (mehmet, "tr")):  # a coordinator, a parent: not theirs
        answer = await other.wait_callback_answer(await other.press_data(f"apg:{draft}:swimming"))
        assert answer.text == school.t(lang, "error.stale_button")
    await lies.press(school.t("nl", "pictograms.button"), message=preview)
    grid = await lies.wait_for_message(
        lambda m: "apg:" in str(m.buttons) and "done" in str(m.buttons)
    )
    await lies.press(school.t("nl", "pictograms.done"), message=grid)
    preview = await lies.wait_for_message(
        lambda m: is_preview(m) and m.message_id == grid.message_id
    )
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    await class_1a["Tom"].wait_for_message(is_copy, timeout=10)
    answer = await lies.wait_callback_answer(await lies.press_data(f"apg:{draft}:swimming"))
    assert answer.text == stale  # sent: its pictograms can no longer change
    copy = next(m for m in class_1a["Tom"].messages if is_copy(m))
    assert copy.kind == "text"


async def test_a_photo_with_pictograms_comes_after_the_strip(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies sends a photo of the fruit basket with 🍎: Tom gets the strip, the photo as she
    sent it, then the text with the buttons."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await lies.send_photo(b"\x89PNG fruitmand", caption="Woensdag is het fruitdag.")
    await lies.wait_for_message(is_preview)
    preview = await choose(school, lies, label(school, "fruit", "🍎"))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    copy = await tom.wait_for_message(is_copy, timeout=10)
    strip, photo, text = tom.messages[-3:]
    assert [strip.kind, photo.kind, text.kind] == ["photo", "photo", "text"] and text is copy
    assert school.tg.file_bytes(strip.file_id) == strip_png(("fruit",))
    assert school.tg.file_bytes(photo.file_id) == b"\x89PNG fruitmand"
    assert "Woensdag is het fruitdag." in copy.text
