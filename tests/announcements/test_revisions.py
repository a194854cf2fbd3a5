"""Stories of announcements changed after sending: edited in every language, or withdrawn."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.announcements import announcement_class_1a, send_announcement

__all__ = ["announcement_class_1a"]  # the fixture class_1a, shared with the announcement stories
NEW = "Beste ouders, de uitstap naar het bos is verplaatst naar vrijdag."


def is_copy(message: object) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(getattr(message, "buttons", ""))


async def report_of(school: School, teacher: SimUser) -> object:
    """The author's report once every copy went out."""
    return await teacher.wait_for_message(
        lambda m: "ann:wd:" in str(m.buttons) and "📤" in m.text and " 5 " in m.text, timeout=10
    )


async def test_an_edit_reaches_every_copy_in_its_language(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies fixes the day: Tom sees the new Dutch text, Amina the new Arabic one, both marked edited."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    await class_1a["sofie"].send("/dutchoriginal off")  # the original behind 🔤, not under it
    await class_1a["sofie"].expect_text(school.t("nl", "school.dutch_original_off"))
    await send_announcement(school, lies)
    report = await report_of(school, lies)
    tom_copy = await tom.wait_for_message(is_copy, timeout=10)
    amina_copy = await amina.wait_for_message(is_copy, timeout=10)
    await lies.press(school.t("nl", "announce.button_edit"), message=report)
    await lies.expect_text(school.t("nl", "announce.edit_prompt"))
    await lies.send(NEW)
    await lies.expect_text(school.t("nl", "announce.edit_done", count=5))
    await tom.wait_for(lambda u: NEW in tom_copy.text, timeout=10)
    assert school.t("nl", "announce.edited_mark") in tom_copy.text
    await amina.wait_for(lambda u: school.t("ar", "announce.edited_mark") in amina_copy.text)
    assert "[en>ar]" in amina_copy.text and is_copy(amina_copy)
    assert len([m for m in tom.messages if is_copy(m)]) == 1  # changed in place, not sent again
    await amina.press(school.t("ar", "announce.button_original"), message=amina_copy)
    await amina.wait_for(lambda u: NEW in amina_copy.text)


async def test_withdrawn_copies_disappear(school: School, class_1a: dict[str, SimUser]) -> None:
    """Juf Lies withdraws a photo announcement: photo and text vanish from every phone."""
    lies = class_1a["lies"]
    await lies.send_photo(b"\x89PNG boslaarzen", caption="Vergeet de laarzen niet.")
    await lies.press(school.t("nl", "announce.send_now"))
    report = await report_of(school, lies)
    parents = [class_1a[n] for n in ("Amina", "Mehmet", "Hodan", "Zahra", "Tom")]
    for parent in parents:
        await parent.wait_for_message(is_copy, timeout=10)
        assert [m.kind for m in parent.messages][-2:] == ["photo", "text"]
    await lies.press(school.t("nl", "announce.button_withdraw"), message=report)
    await lies.press(school.t("nl", "announce.withdraw_yes"))
    await lies.expect_text(school.t("nl", "announce.withdrawing", count=5))
    done = school.tn("nl", "announce.withdrawn_report", 5, classes="1A", removed=5, waiting=0)
    await lies.wait_for(lambda u: report.text == done, timeout=10)
    assert not report.buttons
    for parent in parents:  # photo and text gone; one line says the school withdrew it
        await parent.wait_for(
            lambda u: all(m.deleted for m in u.messages[-3:-1]) and "🗑" in u.messages[-1].text,
            timeout=10,
        )


async def test_withdrawing_at_night_means_it_never_arrives(
    school: School, clock: ManualClock
) -> None:
    """Written at 22:00, held for the morning, withdrawn before: in the morning nothing comes."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    tom = await school.parent("Tom", "nl", "1A")
    clock.set(datetime(2026, 11, 23, 21, 0, tzinfo=UTC))
    await lies.send("Morgen is er geen school.")
    await lies.press(school.t("nl", "announce.send_now"))
    report = await lies.wait_for_message(lambda m: "ann:wd:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.button_withdraw"), message=report)
    await lies.press(school.t("nl", "announce.withdraw_yes"))
    await lies.expect_text(school.t("nl", "announce.withdrawing", count=0))
    done = school.tn("nl", "announce.withdrawn_report", 1, classes="1A", removed=1, waiting=0)
    await lies.wait_for(lambda u: report.text == done)
    clock.set(datetime(2026, 11, 24, 6, 30, tzinfo=UTC))
    await tom.send("/help")
    await tom.expect_text(school.help("nl", "parent"))
    assert not [m for m in tom.messages if is_copy(m)]


async def test_only_the_author_can_withdraw_and_only_once(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """A parent forging the button and a second Yes both get "this button no longer works"."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    await send_announcement(school, lies)
    report = await report_of(school, lies)
    withdraw = next(d for row in report.buttons for _, d in row if d.startswith("ann:wd:"))
    yes = withdraw.replace("ann:wd:", "ann:wdyes:")
    answer = await mehmet.wait_callback_answer(await mehmet.press_data(yes))
    assert answer.text == school.t("tr", "error.stale_button")
    await lies.press(school.t("nl", "announce.button_withdraw"), message=report)
    confirm = await lies.wait_for_message(lambda m: yes in str(m.buttons))
    await lies.press(school.t("nl", "announce.withdraw_yes"), message=confirm)
    await lies.expect_text(school.t("nl", "announce.withdrawing", count=5))
    again = await lies.wait_callback_answer(await lies.press_data(yes))
    assert again.text == school.t("nl", "error.stale_button")


async def test_withdrawing_copies_a_parent_already_deleted(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Tom deleted his copy himself; withdrawing still completes for everyone, without errors."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await send_announcement(school, lies)
    report = await report_of(school, lies)
    copy = await tom.wait_for_message(is_copy, timeout=10)
    copy.deleted = True  # Tom removed it from his chat
    await lies.press(school.t("nl", "announce.button_withdraw"), message=report)
    await lies.press(school.t("nl", "announce.withdraw_yes"))
    done = school.tn("nl", "announce.withdrawn_report", 5, classes="1A", removed=5, waiting=0)
    await lies.wait_for(lambda u: report.text == done, timeout=10)
    amina_copy = next(m for m in class_1a["Amina"].messages if is_copy(m))
    await class_1a["Amina"].wait_for(lambda u: amina_copy.deleted)


async def test_copies_too_old_to_delete_say_they_were_withdrawn(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Three days later Telegram no longer lets the bot delete: the copies say it was withdrawn instead."""
    lies, amina = class_1a["lies"], class_1a["Amina"]
    await lies.send_photo(b"\x89PNG oud", caption="Oude foto.")
    await lies.press(school.t("nl", "announce.send_now"))
    report = await report_of(school, lies)
    copy = await amina.wait_for_message(is_copy, timeout=10)
    school.tg.time_shift = 72 * 3600
    await lies.press(school.t("nl", "announce.button_withdraw"), message=report)
    await lies.press(school.t("nl", "announce.withdraw_yes"))
    done = school.tn("nl", "announce.withdrawn_report", 5, classes="1A", removed=5, waiting=0)
    await lies.wait_for(lambda u: report.text == done, timeout=10)
    notice = school.t("ar", "announce.withdrawn_copy")
    await amina.wait_for(lambda u: copy.text == notice and not copy.buttons)
    photo = next(m for m in amina.messages if m.kind == "photo")
    assert not photo.deleted and notice in (photo.text or "")
