"""Stories of an invitation's options: an own text, a photo and a map, the list as a spreadsheet,
the template's picture, and the anonymous thank-you question after the meeting."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import select

from bot.classes.service import archive_class
from bot.core.settings import project_root
from bot.demo.school import School
from bot.models import Member, MemberStatus, PollAnswer, PollParticipation, PollPending, SchoolClass
from bot.simulator import SimUser
from tests.helpers.invitations import invitation_class_1a, invite
from tests.helpers.polls import answer, has_data

__all__ = ["invitation_class_1a"]  # the fixture class_1a, shared with the invitation stories
PICTURES = project_root() / "flows" / "invitations" / "pictures"


def rsvp_copy(parent: SimUser) -> object:
    """The parent's invitation (the message with the RSVP buttons)."""
    return parent.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)


async def test_an_own_invitation_with_a_photo_a_map_and_the_list_as_a_spreadsheet(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies writes "Soep en babbel", offers no interpreter, adds a photo and the place on a map."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await lies.send("/meeting")
    await lies.press(school.t("nl", "event.own_button"))
    await lies.expect_text(school.t("nl", "event.ask_title", max=80))
    await lies.send("x")
    await lies.expect_text(school.t("nl", "event.bad_length", min=3, max=80))
    await lies.send("Soep en babbel")
    await lies.expect_text(school.t("nl", "event.ask_text", max=700))
    await lies.send("We koken samen soep en praten over de eerste weken in de klas.")
    await lies.expect_text(school.t("nl", "event.ask_when", example="12/12 08:30-10:00"))
    await lies.send("27/11 15:30")
    await lies.expect_text(school.t("nl", "event.ask_place"))
    await lies.send("de refter")
    options = await lies.wait_for_message(lambda m: "evo:ok:" in str(m.buttons))
    await lies.press("✅ " + school.t("nl", "event.option_lang"), message=options)
    await lies.wait_for(
        lambda u: "⬜ " + school.t("nl", "event.option_lang") in str(options.buttons)
    )
    await lies.send_photo((PICTURES / "coffee.png").read_bytes())
    await lies.expect_text(school.t("nl", "event.picture_set"))
    await lies.send_location(51.2194, 4.4025)
    await lies.expect_text(school.t("nl", "event.location_set"))
    await lies.press(school.t("nl", "event.option_preview"))
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    assert "Soep en babbel" in preview.text
    assert school.t("nl", "event.interpreter_line") not in preview.text
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    copy = await rsvp_copy(tom)
    assert "Soep en babbel" in copy.text and "de refter" in copy.text
    await tom.wait_for(lambda u: any(m.kind == "location" for m in u.messages), timeout=10)
    kinds = [m.kind for m in tom.messages if m.message_id >= copy.message_id - 1]
    assert kinds[:2] == ["photo", "text"] and "document" in kinds and "location" in kinds
    await tom.press(school.t("nl", "event.button_yes"), message=copy)
    asked = await tom.wait_for_message(lambda m: m.text == school.t("nl", "event.how_many"))
    assert "rsvp:lang:" not in str(asked.buttons)  # no interpreter was offered
    await tom.press("2", message=asked)
    report = await lies.wait_for_message(lambda m: "evtc:list:" in str(m.buttons), timeout=10)
    await lies.press(school.t("nl", "event.button_export"), message=report)
    await lies.wait_for(lambda u: any((m.file_name or "").endswith(".xlsx") for m in u.messages))
    sheet_file = next(m for m in lies.messages if (m.file_name or "").endswith(".xlsx"))
    sheet = load_workbook(io.BytesIO(school.tg.file_bytes(sheet_file.file_id))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == school.t("nl", "event.export_header").split("|")
    assert rows[1][0] == "Tom" and rows[1][2] == school.t("nl", "event.export_yes")
    assert rows[1][3] == 2


async def test_the_template_picture_and_the_thank_you_question_after_the_meeting(
    school: School, class_1a: dict[str, SimUser], clock: object
) -> None:
    """Tom and Amina come, Mehmet cannot; half an hour after the end only Tom and Amina are asked."""
    lies, tom, amina, mehmet = (class_1a[n] for n in ("lies", "Tom", "Amina", "Mehmet"))
    await invite(school, lies)
    picture = next(m for m in lies.messages if m.kind == "photo")
    assert picture.text == school.t("nl", "event.picture_caption")
    for parent, lang, key in (
        (tom, "nl", "event.button_yes"),
        (amina, "ar", "event.button_yes"),
        (mehmet, "tr", "event.button_no"),
    ):
        copy = await rsvp_copy(parent)
        photo = [m for m in parent.messages if m.kind == "photo"]
        assert photo and photo[0].message_id == copy.message_id - 1  # the picture, then the text
        await parent.press(school.t(lang, key), message=copy)
    await amina.expect_text(school.t("ar", "event.how_many"))
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # 10:00, the end: nothing yet
    await tom.send("/help")
    await tom.expect_text(school.help("nl", "parent"))
    assert not [m for m in tom.messages if has_data(m, "pg:")]
    clock.set(datetime(2026, 11, 27, 9, 31, tzinfo=UTC))  # half an hour after the end
    await answer(school, tom, "nl", 1, ["yes"])
    await amina.wait_for(lambda u: any(has_data(m, "pg:1") for m in u.messages), timeout=10)
    thanks = next(m for m in amina.messages if has_data(m, "pg:1"))
    assert "[en>ar]" not in thanks.text and "🙏" in thanks.text  # written in Arabic in the flow
    await mehmet.send("/help")
    await mehmet.expect_text(school.help("tr", "parent"))
    assert not [m for m in mehmet.messages if has_data(m, "pg:")]
    async with school.app.bot_data.sessions() as session:
        assert not list(await session.exec(select(PollAnswer)))  # one respondent: held back
        answers = list(await session.exec(select(PollPending)))  # until k or closing
        keys = list(await session.exec(select(PollParticipation)))
    assert [(a.question_id, a.option_id) for a in answers] == [("worth", "yes")]
    assert len(keys) == 1 and keys[0].done


async def test_no_thank_you_question_when_switched_off_and_stale_option_presses(
    school: School, class_1a: dict[str, SimUser], clock: object, tmp_path: Path
) -> None:
    """Juf Lies switches the question off; after sending, an option press is stale."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    await lies.send("/meeting")
    await lies.press("☕ Koffiemoment voor ouders")
    await lies.send("27/11 08:30-10:00")
    await lies.send("de refter")
    options = await lies.wait_for_message(lambda m: "evo:ok:" in str(m.buttons))
    await lies.press("✅ " + school.t("nl", "event.option_thanks"), message=options)
    await lies.wait_for(
        lambda u: "⬜ " + school.t("nl", "event.option_thanks") in str(options.buttons)
    )
    await lies.press(school.t("nl", "event.option_nopic"), message=options)
    await lies.wait_for(lambda u: "evo:nopic:" not in str(options.buttons))
    await lies.press(school.t("nl", "event.option_preview"), message=options)
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    copy = await rsvp_copy(tom)
    assert not [m for m in tom.messages if m.kind == "photo"]
    await tom.press(school.t("nl", "event.button_yes"), message=copy)
    stale = await lies.wait_callback_answer(
        await lies.press_data(
            next(d for row in options.buttons for _, d in row if d.startswith("evo:kids:"))
        )
    )
    assert stale.text == school.t("nl", "error.stale_button")
    clock.set(datetime(2026, 11, 27, 9, 31, tzinfo=UTC))
    await tom.send("/help")
    await tom.expect_text(school.help("nl", "parent"))
    assert not [m for m in tom.messages if has_data(m, "pg:")]


async def test_a_blocked_parent_and_an_archived_class_before_the_reminder(
    school: School, class_1a: dict[str, SimUser], clock: object
) -> None:
    """Tom blocks the bot and 1A is archived before the reminder: Amina is still reminded."""
    lies, tom, amina = class_1a["lies"], class_1a["Tom"], class_1a["Amina"]
    await invite(school, lies)
    for parent, lang in ((tom, "nl"), (amina, "ar")):
        copy = await rsvp_copy(parent)
        await parent.press(school.t(lang, "event.button_yes"), message=copy)
        await parent.expect_text(school.t(lang, "event.how_many"))
    tom.block()
    services = school.app.bot_data
    async with services.sessions() as session:
        one_a = (await session.exec(select(SchoolClass).where(SchoolClass.name == "1A"))).one()
        await archive_class(session, school_id=services.school_id, class_id=one_a.id or 0)
    clock.set(datetime(2026, 11, 26, 7, 30, tzinfo=UTC))  # the day before
    await amina.wait_for(lambda u: any("⏰" in m.text for m in u.messages), timeout=10)
    assert services.scheduler is not None
    await services.scheduler.ran("event:1:day", 1)
    async with services.sessions() as session:
        blocked = (await session.exec(select(Member).where(Member.first_name == "Tom"))).one()
    assert blocked.status == MemberStatus.BLOCKED
    assert not [m for m in tom.messages if "⏰" in m.text]
