"""Stories of announcements: a teacher writes in Dutch, every parent receives it once, in their language."""

from __future__ import annotations

from sqlmodel import select

from bot.demo.school import School
from bot.models import Delivery, DeliveryStatus
from bot.simulator import SimUser
from tests.helpers.announcements import TEXT, announcement_class_1a, send_announcement
from tests.helpers.privacy import rows_mentioning

__all__ = ["announcement_class_1a"]  # the fixture class_1a of the announcement stories


def copies(user: SimUser, marker: str) -> list[str]:
    """The announcement copies a parent received (text messages with the Seen button)."""
    return [
        m.text
        for m in user.messages
        if any("ann:seen:" in d for row in m.buttons for _, d in row) or marker in m.text
    ]


async def test_every_parent_reads_it_once_in_their_language(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Arabic and Turkish via English, Somali in the second language, Persian in Dutch, Tom in Dutch."""
    lies = class_1a["lies"]
    await send_announcement(school, lies)
    done = school.t(
        "nl",
        "announce.report",
        classes="1A",
        sent=5,
        total=5,
        seen=0,
        failed=0,
        languages="X",
        second=1,
        original=1,
    ).split("🌍")[0]
    report = await lies.expect_text(done, timeout=10)
    assert school.t("nl", "status.second", count=1, languages="Somalisch → Engels 1") in report.text
    assert school.t("nl", "status.no_model", count=1, languages="Perzisch / Dari 1") in report.text
    below = school.t("ar", "announce.original_below") + "\n" + TEXT  # the school's setting: on
    amina = await class_1a["Amina"].wait_for_message(lambda m: "[en>ar]" in m.text)
    assert school.t("ar", "announce.machine_mark_below") in amina.text and below in amina.text
    assert amina.text.startswith(school.t("ar", "announce.from", sender="Juf Lies", classes="1A"))
    mehmet = await class_1a["Mehmet"].wait_for_message(lambda m: "[en>tr]" in m.text)
    assert school.t("tr", "announce.machine_mark_below") in mehmet.text
    hodan = await class_1a["Hodan"].wait_for_message(lambda m: "[nl>en]" in m.text)
    assert hodan.text.startswith(school.t("so", "status.note_second", language="English"))
    zahra = await class_1a["Zahra"].wait_for_message(lambda m: TEXT in m.text)
    assert zahra.text.startswith(school.t("fa", "status.note_dutch"))
    assert school.t("fa", "announce.machine_mark") not in zahra.text
    tom = await class_1a["Tom"].wait_for_message(lambda m: TEXT in m.text)
    assert school.t("nl", "announce.machine_mark") not in tom.text
    assert school.t("nl", "status.note_dutch") not in tom.text
    for name in ("Amina", "Mehmet", "Hodan", "Zahra", "Tom"):
        assert (
            len(
                [
                    m
                    for m in class_1a[name].messages
                    if any("ann:seen:" in d for row in m.buttons for _, d in row)
                ]
            )
            == 1
        ), name


async def test_show_original_seen_and_the_report(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina switches to the Dutch original and back, taps Seen; the report counts her."""
    lies, amina = class_1a["lies"], class_1a["Amina"]
    await class_1a["sofie"].send("/dutchoriginal off")  # the original behind 🔤, not under it
    await class_1a["sofie"].expect_text(school.t("nl", "school.dutch_original_off"))
    await send_announcement(school, lies)
    copy = await amina.wait_for_message(lambda m: "[en>ar]" in m.text, timeout=10)
    await amina.press(school.t("ar", "announce.button_original"), message=copy)
    await amina.wait_for(lambda u: TEXT in copy.text)
    await amina.press(school.t("ar", "announce.button_translation"), message=copy)
    await amina.wait_for(lambda u: "[en>ar]" in copy.text)
    cb = await amina.press(school.t("ar", "announce.button_seen"), message=copy)
    assert (await amina.wait_callback_answer(cb)).text == school.t("ar", "announce.seen_thanks")
    await lies.wait_for(
        lambda u: any(
            "👍" in m.text and ": 1" in m.text.split("👍", 1)[1][:20] for m in u.messages
        ),
        timeout=10,
    )
    await lies.press(school.t("nl", "announce.button_unseen"))
    expected = school.t("nl", "announce.unseen", count=4, names="Hodan, Mehmet, Tom, Zahra")
    await lies.expect_text(expected)


async def test_a_parent_who_blocked_the_bot_and_telegram_trouble(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """429s and 5xx are retried; a blocked parent is marked and counted as failed; no one gets two copies."""
    class_1a["Zahra"].block()
    school.tg.inject("sendMessage", status=429, retry_after=1, times=2)
    school.tg.inject("sendMessage", status=502, description="Bad Gateway", probability=0.3, times=4)
    lies = class_1a["lies"]
    await send_announcement(school, lies)
    final = school.t(
        "nl",
        "announce.report",
        classes="1A",
        sent=4,
        total=5,
        seen=0,
        failed=1,
        languages="",
        second=1,
        original=0,
    )
    await lies.wait_for(
        lambda u: any(final.split("🌍")[0] in m.text for m in u.messages), timeout=20
    )
    async with school.app.bot_data.sessions() as session:
        rows = list(await session.exec(select(Delivery)))
    statuses = sorted((d.status, d.last_error or "") for d in rows)
    assert [s for s, _ in statuses].count("sent") == 4
    assert ("failed", "blocked the bot") in statuses
    assert (await school.member(class_1a["Zahra"])).status == "blocked"  # type: ignore[union-attr]
    for name in ("Amina", "Mehmet", "Hodan", "Tom"):
        assert (
            len(
                [
                    m
                    for m in class_1a[name].messages
                    if any("ann:seen:" in d for row in m.buttons for _, d in row)
                ]
            )
            == 1
        ), name


async def test_preview_can_be_cancelled_and_buttons_work_once(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Cancel sends nothing; a second Send press and a forged press are refused."""
    lies = class_1a["lies"]
    await lies.send("Dit is een test.")
    preview = await lies.wait_for_message(
        lambda m: any("ann:send:" in d for row in m.buttons for _, d in row)
    )
    await lies.press(school.t("nl", "announce.cancel"), message=preview)
    await lies.expect_text(school.t("nl", "announce.cancelled"))
    send_data = (
        next(d for row in preview.buttons for _, d in row if d.startswith("ann:send:"))
        if preview.buttons
        else None
    )
    cb = await lies.press_data(send_data or "ann:send:1")
    assert (await lies.wait_callback_answer(cb)).text == school.t("nl", "error.stale_button")
    cb = await class_1a["Tom"].press_data("ann:send:1")
    assert (await class_1a["Tom"].wait_callback_answer(cb)).text == school.t(
        "nl", "error.stale_button"
    )
    async with school.app.bot_data.sessions() as session:
        assert list(await session.exec(select(Delivery))) == []


async def test_teachers_without_class_or_parents_and_unsupported_files(school: School) -> None:
    """Clear answers instead of a broadcast to nobody."""
    sofie = await school.coordinator()
    await sofie.send("Hallo allemaal")
    await sofie.expect_text(school.t("nl", "announce.no_class"))
    await school.new_class(sofie, "2B")
    await sofie.send("Hallo allemaal")
    await sofie.expect_text(school.t("nl", "announce.no_parents", classes="2B"))
    await sofie.send_sticker()
    await sofie.expect_text(school.t("nl", "announce.unsupported_file"))


async def test_a_photo_goes_out_with_its_caption_translated(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """The photo is passed on unchanged, the caption follows translated with the buttons."""
    lies = class_1a["lies"]
    await lies.send_photo(b"\x89PNG fake photo bytes", caption="Kijk, onze klas in het bos!")
    await lies.wait_for_message(
        lambda m: any("ann:send:" in d for row in m.buttons for _, d in row)
    )
    await lies.press(school.t("nl", "announce.send_now"))
    photo = await class_1a["Mehmet"].wait_for_message(lambda m: m.kind == "photo", timeout=10)
    assert school.tg.file_bytes(photo.file_id) == b"\x89PNG fake photo bytes"
    await class_1a["Mehmet"].wait_for_message(lambda m: "[en>tr]" in m.text)


async def test_a_restart_mid_broadcast_resumes_without_skipping_or_repeating(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """The sender stops with one copy sent, one in flight, three waiting; a new sender finishes the job."""
    from bot.announcements.sender import Sender
    from bot.models import Announcement, AnnouncementStatus

    services = school.app.bot_data
    assert services.sender is not None
    await services.sender.stop()  # the process "dies" here
    now = services.clock.now()
    lies = await school.member(class_1a["lies"])
    async with services.sessions() as session:
        announcement = Announcement(
            school_id=lies.school_id, author_id=lies.id, author_chat_id=lies.chat_id,  # type: ignore[union-attr]
            class_ids=str((await school.class_row("1A")).id), text=TEXT,
            status=AnnouncementStatus.SENDING, created_at=now,
        )  # fmt: skip
        session.add(announcement)
        await session.commit()
        states = {"Amina": DeliveryStatus.SENT, "Mehmet": DeliveryStatus.SENDING}
        for name in ("Amina", "Mehmet", "Hodan", "Zahra", "Tom"):
            member = await school.member(class_1a[name])
            assert member is not None and member.id is not None and announcement.id is not None
            session.add(
                Delivery(
                    announcement_id=announcement.id, member_id=member.id, chat_id=member.chat_id,
                    language=member.language or "nl", next_attempt_at=now,
                    status=states.get(name, DeliveryStatus.PENDING),
                )
            )  # fmt: skip
        await session.commit()
    services.sender = Sender(school.app.bot, services)
    await services.sender.start()  # the restarted process
    for name in ("Mehmet", "Hodan", "Zahra", "Tom"):
        await class_1a[name].wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=10)
    await class_1a["Tom"].send("/help")
    await class_1a["Tom"].expect_text(school.help("nl", "parent"))
    assert not [m for m in class_1a["Amina"].messages if "ann:seen:" in str(m.buttons)]
    for name in ("Mehmet", "Hodan", "Zahra", "Tom"):
        assert len([m for m in class_1a[name].messages if "ann:seen:" in str(m.buttons)]) == 1, name


async def test_forget_after_a_broadcast_leaves_nothing_personal(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """A parent who received it and the teacher who sent it both /forget: no row points to them."""
    lies = class_1a["lies"]
    await send_announcement(school, lies)
    await class_1a["Amina"].wait_for_message(lambda m: "[en>ar]" in m.text, timeout=10)
    for user, lang in ((class_1a["Amina"], "ar"), (lies, "nl")):
        member = await school.member(user)
        assert member is not None
        await user.send("/forget")
        await user.press(school.t(lang, "forget.yes"))
        await user.expect_text(school.t(lang, "forget.done"))
        assert await rows_mentioning(school, member.id, user.id) == []


async def test_a_coordinator_chooses_the_classes(school: School) -> None:
    """A coordinator writes to the whole school, then taps 2B away: only 1A's parents get it."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2B")
    ioana = await school.parent("Ioana", "ro", "1A")
    piotr = await school.parent("Piotr", "pl", "2B")
    await sofie.send("Morgen is de school gesloten.")
    both = school.t("nl", "status.no_model", count=2, languages="Roemeens 1, Pools 1")
    preview = await sofie.expect_text(
        school.t("nl", "announce.preview", classes="1A, 2B", parents="2 ouders", languages=both)
    )
    await sofie.press("✅ 2B", message=preview)
    await sofie.wait_for(lambda u: "◻️ 2B" in str(preview.buttons))
    one = school.t("nl", "status.no_model", count=1, languages="Roemeens 1")
    assert (
        school.t("nl", "announce.preview", classes="1A", parents="1 ouder", languages=one)
        == preview.text
    )  # no translation model is installed in this story
    cb = await sofie.press("✅ 1A", message=preview)  # the last class cannot be removed
    await sofie.wait_callback_answer(cb)
    assert "✅ 1A" in str(preview.buttons)
    await sofie.press(school.t("nl", "announce.send_now"), message=preview)
    await ioana.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=10)
    await piotr.send("/help")
    await piotr.expect_text(school.help("pl", "parent"))
    assert not [m for m in piotr.messages if "ann:seen:" in str(m.buttons)]
    assert not [m for m in sofie.messages if school.t("nl", "error.generic") in m.text]


async def test_a_message_longer_than_one_telegram_message_arrives_whole(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """4,096 characters plus the heading do not fit one message: Tom gets two parts, nothing cut."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    words = [f"woord{i}" for i in range(700)]
    text = " ".join(words)[:4096]
    await lies.send(text)
    await lies.press(school.t("nl", "announce.send_now"))
    await tom.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=10)
    parts = [m for m in tom.messages if "woord" in m.text]
    assert len(parts) == 2 and all(len(m.text) <= 4096 for m in parts)
    received = " ".join(m.text for m in parts)
    tokens = received.split()
    assert (
        tokens[tokens.index(words[0]) :][: len(text.split())] == text.split()
    )  # every word, in order
    assert school.t("nl", "announce.from", sender="Juf Lies", classes="1A") in parts[0].text
