"""Stories of human review (issue 19): a coordinator makes a language buddy reviewer for Polish;
she corrects or approves the machine's translation; every Polish copy changes in place and says
who checked it; the same text later gets the reviewed translation at once; the report counts."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import ReviewedTranslation, Reviewer, ReviewRequest
from bot.simulator import SimUser
from tests.helpers.privacy import rows_mentioning
from tests.helpers.reviews import (
    BETTER,
    MACHINE,
    TEXT,
    checked,
    is_copy,
    is_request,
    make_reviewer,
    polish,
    reviews_families,  # noqa: F401  (the `families` fixture)
    send,
)


async def test_kasia_corrects_the_polish_translation_and_every_copy_changes(
    school: School, families: dict[str, SimUser]
) -> None:
    """Sofie makes Kasia reviewer for Polish; Juf Lies writes; Marek and Ewa get the machine's
    Polish; Kasia improves it; both copies are edited in place and now say that someone who
    speaks Polish checked them; the same text next week gets Kasia's words at once, unasked."""
    sofie, lies, kasia = families["sofie"], families["lies"], families["Kasia"]
    await make_reviewer(school, sofie, "Kasia", "Pools")
    await kasia.expect_text(
        school.t("pl", "reviews.you_were_added", coordinator="Sofie", language=polish(school))
    )
    await send(school, lies)
    for name in ("Marek", "Ewa"):
        copy = await families[name].wait_for_message(is_copy)
        assert MACHINE in copy.text and school.t("pl", "announce.machine_mark_below") in copy.text

    request = await kasia.wait_for_message(is_request)
    assert TEXT in request.text and MACHINE in request.text
    assert request.text.startswith(
        school.tn("pl", "reviews.request", 2, author="Juf Lies", classes="1A", language=polish(school),
                  count=2)
    )  # fmt: skip
    await kasia.press(school.t("pl", "reviews.button_fix"), message=request)
    await kasia.expect_text(school.t("pl", "reviews.fix_prompt", language=polish(school)))
    machine = await kasia.wait_for_message(lambda m: MACHINE in m.text and not m.buttons)
    assert machine.text.count(MACHINE) == 2  # two sentences, to copy and change
    await kasia.send(BETTER)
    await kasia.expect_text(school.tn("pl", "reviews.thanks_fixed", 2, count=2))

    for name in ("Marek", "Ewa"):
        edited = await families[name].wait_for_message(lambda m: is_copy(m) and BETTER in m.text)
        assert edited.edited and MACHINE not in edited.text
        assert checked(school, "pl", "pl") in edited.text
        assert school.t("pl", "announce.machine_mark_below") not in edited.text
        assert edited.text.endswith(TEXT)  # the school's Dutch stays under it
    done = next(m for m in kasia.messages if m.message_id == request.message_id)
    assert not done.buttons and done.text == school.t(
        "pl", "reviews.done_corrected", name="Kasia", language=polish(school), start=TEXT[:59] + "…"
    )

    await send(school, lies)  # the same words again
    marek = families["Marek"]
    again = await marek.wait_for_message(lambda m: is_copy(m) and not m.edited)
    assert BETTER in again.text and checked(school, "pl", "pl") in again.text
    assert not any(is_request(m) for m in kasia.messages), "asked again for a reviewed text"


async def test_kasia_approves_as_it_is_and_the_label_changes(
    school: School, families: dict[str, SimUser]
) -> None:
    """Two reviewers of Polish: Kasia approves first; Marek's copy keeps its words and now says
    it was checked; Piotr's request says Kasia did it, and his late press is told so."""
    sofie, lies, kasia = families["sofie"], families["lies"], families["Kasia"]
    piotr = await school.teacher(sofie, "Piotr", "2B")
    await make_reviewer(school, sofie, "Kasia", "Pools")
    await make_reviewer(school, sofie, "Piotr", "Pools")
    await send(school, lies)
    first = await families["Marek"].wait_for_message(is_copy)
    machine_words = first.text.split("\n\n")[1]  # (messages show how they look now: copied)
    theirs = await piotr.wait_for_message(is_request)
    late = theirs.buttons[0][0][1]
    await kasia.press(
        school.t("pl", "reviews.button_ok"), message=await kasia.wait_for_message(is_request)
    )
    await kasia.expect_text(school.tn("pl", "reviews.thanks_ok", 2, count=2))

    after = await families["Marek"].wait_for_message(
        lambda m: m.message_id == first.message_id and m.edited
    )
    assert machine_words in after.text and checked(school, "pl", "pl") in after.text
    said = school.t("nl", "reviews.done_approved", name="Kasia", language="Pools",
                    start=TEXT[:59] + "…")  # fmt: skip
    await piotr.wait_for_message(lambda m: m.message_id == theirs.message_id and m.text == said)
    await piotr.press_data(late, theirs)  # a press that was on its way
    await piotr.expect_text(school.t("nl", "reviews.taken", name="Kasia"))


async def test_a_parent_cannot_make_themselves_reviewer_nor_answer_a_request(
    school: School, families: dict[str, SimUser]
) -> None:
    """Marek forges the coordinator's buttons and Kasia's: every press is refused as stale,
    no reviewer row appears, and the request stays open for Kasia."""
    sofie, lies, kasia, marek = (
        families["sofie"],
        families["lies"],
        families["Kasia"],
        families["Marek"],
    )
    await make_reviewer(school, sofie, "Kasia", "Pools")
    await send(school, lies)
    request = await kasia.wait_for_message(is_request)
    number = request.buttons[0][0][1].split(":")[2]
    member = await school.member(marek)
    assert member is not None
    stale = school.t("pl", "error.stale_button")
    for data in (f"rv:ok:{number}", f"rv:fix:{number}", "rvw:add:0", f"rvw:who:{member.id}",
                 f"rvw:lang:{member.id}:pl", "rvw:del:1"):  # fmt: skip
        answer = await marek.wait_callback_answer(await marek.press_data(data))
        assert answer.text == stale, data
    await marek.send("/reviewers")  # the command is the coordinators' (the middleware says so)
    async with school.app.bot_data.sessions() as session:
        rows = list(await session.exec(select(Reviewer)))
        asked = (await session.exec(select(ReviewRequest))).one()
    assert [(r.language, r.member_id) for r in rows] == [("pl", rows[0].member_id)]
    assert rows[0].member_id != member.id and asked.status == "open"


async def test_the_report_counts_machine_reviewed_and_not_translated_per_language(
    school: School, families: dict[str, SimUser]
) -> None:
    """Juf Lies's report names per language how many copies a machine translated, how many a
    reviewer checked and how many stayed untranslated (Somali: no model), in Dutch plurals."""
    sofie, lies, kasia = families["sofie"], families["lies"], families["Kasia"]
    await make_reviewer(school, sofie, "Kasia", "Pools")
    report = await send(school, lies)

    def line(language: str, *counts: tuple[str, int]) -> str:
        parts = ", ".join(school.tn("nl", f"reviews.count_{k}", n, count=n) for k, n in counts)
        return school.t("nl", "reviews.report_line", language=language, counts=parts)

    lines = report.text.splitlines()
    start = lines.index(school.t("nl", "reviews.report_head"))
    assert lines[start + 1 : start + 4] == [
        line("Arabisch", ("machine", 1)),
        line("Pools", ("machine", 2)),
        line("Somalisch", ("untranslated", 1)),
    ]
    await kasia.press(
        school.t("pl", "reviews.button_ok"), message=await kasia.wait_for_message(is_request)
    )
    reviewed = line("Pools", ("reviewed", 2))
    after = await lies.wait_for_message(
        lambda m: m.message_id == report.message_id and reviewed in m.text
    )
    assert line("Arabisch", ("machine", 1)) in after.text
    assert line("Somalisch", ("untranslated", 1)) in after.text


async def test_a_long_text_cancel_and_an_edit_meanwhile_change_nothing(
    school: School, families: dict[str, SimUser]
) -> None:
    """Kasia's too long text is refused and she may type again; /cancel drops the question;
    when Juf Lies edits the message before Kasia answers, her words are not used."""
    sofie, lies, kasia = families["sofie"], families["lies"], families["Kasia"]
    await make_reviewer(school, sofie, "Kasia", "Pools")
    report = await send(school, lies)
    request = await kasia.wait_for_message(is_request)
    await kasia.press(school.t("pl", "reviews.button_fix"), message=request)
    await kasia.expect_text(school.t("pl", "reviews.fix_prompt", language=polish(school)))
    await kasia.send("Bardzo długi tekst. " * 180)
    await kasia.expect_text(school.t("pl", "reviews.too_long", length=3599, limit=3500))
    await kasia.send("/cancel")
    await kasia.expect_text(school.t("pl", "common.cancelled"))
    await kasia.send(BETTER)  # no longer an answer: it goes to the school as a message
    await kasia.expect_text(school.t("pl", "conversation.received", who="Sofie"))

    await kasia.press(school.t("pl", "reviews.button_fix"), message=request)
    await kasia.expect_text(school.t("pl", "reviews.fix_prompt", language=polish(school)))
    await lies.press(school.t("nl", "announce.button_edit"), message=report)
    await lies.expect_text(school.t("nl", "announce.edit_prompt"))
    await lies.send("Beste ouders, overmorgen gaan we naar het bos.")
    await lies.expect_text(school.tn("nl", "announce.edit_done", 5, count=5))
    await kasia.send(BETTER)
    await kasia.expect_text(school.t("pl", "reviews.changed"))
    marek = families["Marek"]
    await marek.wait_for(lambda u: any("overmorgen" in m.text for m in u.messages if is_copy(m)))
    assert not any(BETTER in m.text for m in marek.messages)


async def test_forget_removes_the_reviewer_but_keeps_the_schools_reviewed_text(
    school: School, families: dict[str, SimUser]
) -> None:
    """/mydata tells Kasia she reviews Polish; after /forget her reviewer row and her name on
    the reviewed translation are gone, and the reviewed words still reach Marek."""
    sofie, lies, kasia = families["sofie"], families["lies"], families["Kasia"]
    await make_reviewer(school, sofie, "Kasia", "Pools")
    await send(school, lies)
    await kasia.press(
        school.t("pl", "reviews.button_fix"), message=await kasia.wait_for_message(is_request)
    )
    await kasia.send(BETTER)
    await kasia.expect_text(school.tn("pl", "reviews.thanks_fixed", 2, count=2))
    await kasia.send("/mydata")
    await kasia.expect_text(school.t("pl", "reviews.mydata", languages=polish(school)))
    member = await school.member(kasia)
    assert member is not None
    await kasia.send("/forget")
    await kasia.press(school.t("pl", "forget.yes"))
    await kasia.expect_text(school.t("pl", "forget.done"))
    assert await rows_mentioning(school, member.id, kasia.id) == []
    async with school.app.bot_data.sessions() as session:
        kept = (await session.exec(select(ReviewedTranslation))).one()
    assert kept.text == BETTER and kept.reviewed_by is None and kept.corrected
    await send(school, lies)
    marek = families["Marek"]
    await marek.wait_for(lambda u: len([m for m in u.messages if is_copy(m)]) == 2)
    assert BETTER in [m for m in marek.messages if is_copy(m)][-1].text


async def ask_first(school: School, lies: SimUser) -> None:
    """Juf Lies writes and presses 👀 Ask a reviewer first under the preview."""
    await lies.send(TEXT)
    preview = await lies.wait_for_message(lambda m: "rvf:" in str(m.buttons))
    await lies.press(school.t("nl", "reviews.ask_first_button"), message=preview)
    # 10:00 in Brussels: the Polish copies wait until 12:00 at the latest.
    await lies.expect_text(school.t("nl", "reviews.held", languages="Pools", time="12:00"))


async def test_asked_first_the_polish_copies_wait_and_leave_with_kasias_words(
    school: School, families: dict[str, SimUser]
) -> None:
    """Before sending: Amina, Hodan and Tom get the message at once, Marek and Ewa wait; Kasia
    is told so; her correction lets their copies go with her words, marked as checked."""
    sofie, lies, kasia = families["sofie"], families["lies"], families["Kasia"]
    await make_reviewer(school, sofie, "Kasia", "Pools")
    await ask_first(school, lies)
    for name in ("Amina", "Hodan", "Tom"):
        await families[name].wait_for_message(is_copy)
    request = await kasia.wait_for_message(is_request)
    assert request.text.startswith(
        school.tn("pl", "reviews.request_before", 2, author="Juf Lies", classes="1A",
                  language=polish(school), count=2, time="12:00")
    )  # fmt: skip
    assert not any(is_copy(m) for name in ("Marek", "Ewa") for m in families[name].messages)
    await kasia.press(school.t("pl", "reviews.button_fix"), message=request)
    await kasia.send(BETTER)
    await kasia.expect_text(school.tn("pl", "reviews.thanks_fixed", 2, count=2))
    for name in ("Marek", "Ewa"):
        copy = await families[name].wait_for_message(is_copy)
        assert not copy.edited and BETTER in copy.text and MACHINE not in copy.text
        assert checked(school, "pl", "pl") in copy.text


async def test_asked_first_without_an_answer_the_machine_goes_after_two_hours(
    school: School, families: dict[str, SimUser], clock: ManualClock
) -> None:
    """Nobody answers for two hours: Marek gets the machine's Polish; Kasia's later approval
    still changes his copy's label in place."""
    sofie, lies, kasia, marek = (
        families["sofie"],
        families["lies"],
        families["Kasia"],
        families["Marek"],
    )
    await make_reviewer(school, sofie, "Kasia", "Pools")
    await ask_first(school, lies)
    request = await kasia.wait_for_message(is_request)
    await families["Tom"].wait_for_message(is_copy)
    assert not any(is_copy(m) for m in marek.messages)
    clock.advance(timedelta(hours=2))
    copy = await marek.wait_for_message(is_copy, timeout=10)
    assert MACHINE in copy.text and school.t("pl", "announce.machine_mark_below") in copy.text
    head = school.t("nl", "announce.report", classes="1A", sent=5, total=5, seen=0, failed=0)
    await lies.wait_for_message(lambda m: m.text.startswith(head), timeout=10)  # all five out
    await kasia.press(school.t("pl", "reviews.button_ok"), message=request)
    await kasia.expect_text(school.tn("pl", "reviews.thanks_ok", 2, count=2))
    await marek.wait_for_message(lambda m: m.edited and checked(school, "pl", "pl") in m.text)
