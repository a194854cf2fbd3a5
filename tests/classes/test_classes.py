"""Stories of class management: create, rename, archive, links and flyers."""

from __future__ import annotations

from bot.demo.school import School


async def test_a_new_class_comes_with_a_link_and_a_printable_flyer(school: School) -> None:
    """/newclass answers with the parents' link, a PNG flyer and a PDF flyer."""
    sofie = await school.coordinator()
    payload = await school.new_class(sofie, "1A")
    row = await school.class_row("1A")
    assert payload == "c" + row.join_code
    photo = await sofie.wait_for_message(lambda m: m.kind == "photo")
    document = await sofie.wait_for_message(lambda m: m.kind == "document")
    assert photo.caption and "1A" in photo.caption
    assert document.file_name and document.file_name.endswith(".pdf")
    assert school.tg.file_bytes(document.file_id).startswith(b"%PDF")
    assert school.tg.file_bytes(photo.file_id).startswith(b"\x89PNG")


async def test_rename_and_archive_through_the_buttons(school: School) -> None:
    """A coordinator renames 1A to 1B, then archives it; its old link stops working."""
    sofie = await school.coordinator()
    payload = await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2A")
    await sofie.send("/classes")
    await sofie.expect_text(school.t("nl", "classes.title"))
    await sofie.press("1A")
    await sofie.press(school.t("nl", "classes.button_rename"))
    await sofie.expect_text(school.t("nl", "classes.rename_prompt", name="1A"))
    await sofie.send("2A")
    await sofie.expect_text(school.t("nl", "classes.name_taken", name="2A"))
    await sofie.send("1B")
    await sofie.expect_text(school.t("nl", "classes.renamed", old="1A", name="1B"))
    await sofie.send("/classes")
    await sofie.expect_text(school.t("nl", "classes.title"))
    await sofie.press("1B")
    await sofie.press(school.t("nl", "classes.button_archive"))
    await sofie.expect_text(school.t("nl", "classes.archive_confirm", name="1B"))
    await sofie.press(school.t("nl", "common.yes"))
    await sofie.expect_text(school.t("nl", "classes.archived", name="1B"))
    late = school.person("Ahmed", language_code="ar")
    await late.send("/start " + payload)
    await school.pick_language(late, "ar")
    await late.expect_text(school.t("ar", "start.bad_code"))


async def test_class_names_are_checked(school: School) -> None:
    """No empty, too long or duplicate names."""
    sofie = await school.coordinator()
    await sofie.send("/newclass")
    await sofie.expect_text(school.t("nl", "classes.newclass_usage"))
    await sofie.send("/newclass " + "x" * 61)
    await sofie.expect_text(school.t("nl", "classes.name_invalid", max=60))
    await school.new_class(sofie, "3C")
    await sofie.send("/newclass 3c")
    await sofie.expect_text(school.t("nl", "classes.name_taken", name="3c"))


async def test_every_command_and_press_gets_exactly_one_answer(school: School) -> None:
    """No feature's update also reaches the catch-alls ("unknown command", a second answer)."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await sofie.send("/classes")
    await sofie.press("1A")
    await sofie.press(school.t("nl", "classes.button_link"))
    await sofie.wait_for_message(lambda m: m.kind == "document")
    await sofie.send("/help")
    await sofie.expect_text(school.help("nl", "coordinator"))
    unknown = school.t("nl", "error.unknown_command")
    assert not [m.text for m in sofie.messages if unknown in m.text]
    assert school.tg.stats.failures.get("answerCallbackQuery", 0) == 0


async def test_a_teacher_gets_only_their_own_classes_links_and_flyers(school: School) -> None:
    """A forged "link and flyer" press for another class: the teacher gets "not found", no link,
    no flyer; for their own class, and for a coordinator any class, link and flyer come."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2B")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    own, other = await school.class_row("1A"), await school.class_row("2B")
    await lies.press_data(f"cls:link:{other.id}")
    await lies.expect_text(school.t("nl", "classes.not_found"))
    await lies.press_data(f"cls:link:{own.id}")
    await lies.wait_for_message(lambda m: m.kind == "document")
    shown = " ".join(m.text for m in lies.messages)
    assert other.join_code not in shown and "2B" not in shown
    assert own.join_code in shown
    await sofie.press_data(f"cls:link:{other.id}")
    await sofie.expect_text(other.join_code)
    flyer = await sofie.wait_for_message(lambda m: m.kind == "document")
    assert flyer.caption and "2B" in flyer.caption
