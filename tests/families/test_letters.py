"""Stories of personal invitation letters: a teacher prints one PDF for her class (one page per
family, one QR code per guardian), the parents scan their own codes and are linked to their family
at once, a used or expired code does not work again, and nobody prints another class's letters."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from sqlmodel import select

from bot.classes import flyer_fonts
from bot.core.clock import ManualClock
from bot.core.i18n import Catalogs
from bot.core.logs import redact
from bot.demo.school import School
from bot.families.letter_drawing import FlyerError, LetterPage, LetterText, Printer
from bot.families.service import CODE_DAYS
from bot.models import ClassMembership, FamilyCode, Guardian, LinkStatus
from bot.simulator import SimUser
from bot.simulator.state import BotMessage
from tests.helpers.letters import (
    BOT,
    enrol,
    names_children,
    page_count,
    pages,
    qr_codes_match,
    record_codes,
)


@dataclass
class Roster:
    """Class 1A and 3B with their teachers; four families in 1A (the Arabic-speaking B. family
    also has Sara in 3B), the Noor family in 3B only."""

    sofie: SimUser  # the coordinator
    ans: SimUser  # teaches 1A
    bert: SimUser  # teaches 3B
    adam: int
    tesfay: int
    lotte: int
    kim: int
    noor: int


@pytest.fixture
async def roster(school: School) -> Roster:
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "3B")
    ans = await school.teacher(sofie, "Juf Ans", "1A")
    bert = await school.teacher(sofie, "Meester Bert", "3B")
    return Roster(
        sofie=sofie,
        ans=ans,
        bert=bert,
        adam=await enrol(school, [("Adam", "1A"), ("Sara", "3B")], languages="ar"),
        tesfay=await enrol(school, [("Tesfay", "1A")], languages="ti"),
        lotte=await enrol(school, [("Lotte", "1A")], languages="nl"),
        kim=await enrol(school, [("Kim", "1A")], languages="ku"),  # no texts in the bot
        noor=await enrol(school, [("Noor", "3B")], languages="tr"),
    )


async def print_letters(school: School, teacher: SimUser, button: str) -> tuple[str, bytes]:
    """/letters, press a choice: the chat's summary and the PDF that comes with it."""
    await teacher.send("/letters")
    await teacher.expect_text(school.t("nl", "letters.choose"))
    await teacher.press(button)
    said = await teacher.expect_text("🖨️")
    document = await teacher.wait_for_message(lambda m: m.kind == "document")
    return said.plain, school.tg.file_bytes(document.file_id or "")


def last_document(user: SimUser) -> BotMessage:
    return [m for m in user.messages if m.kind == "document"][-1]


async def scan(school: School, user: SimUser, code: str, lang: str, children: str) -> None:
    """A parent opens the letter's link (QR code) and picks a language: linked at once."""
    await user.send(f"/start f{code}")
    await school.pick_language(user, lang)
    await user.expect_text(school.t(lang, "families.joined", children=children))


async def test_a_teacher_prints_one_page_per_family_of_her_class(
    school: School, roster: Roster, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    """Juf Ans prints 1A: four pages (Adam's page names his sister in 3B too), each with two
    new QR codes; the chat says which languages are on the letters and that Kim's family, whose
    home language the bot has no texts for, gets Dutch, French and English."""
    made = record_codes(monkeypatch)
    summary, pdf = await print_letters(
        school, roster.ans, school.t("nl", "letters.button_class", name="1A")
    )
    assert pdf.startswith(b"%PDF") and page_count(pdf) == 4
    assert [len(codes) for codes in made] == [2, 2, 2, 2]
    names = ["Adam B. (1A) · Sara B. (3B)", "Kim (1A)", "Lotte (1A)", "Tesfay (1A)"]
    for page, codes, children in zip(pages(pdf), made, names, strict=True):
        assert page.size == (1240, 1754)  # A4 at 150 dpi
        assert qr_codes_match(page, codes) and names_children(page, children)
    assert not names_children(pages(pdf)[0], "Adam B. (1A)")  # the check can say no
    assert not qr_codes_match(pages(pdf)[0], made[1])  # the check can say no
    until = format_date(clock.now() + timedelta(days=CODE_DAYS), "long", locale="nl")
    assert school.tn("nl", "letters.count", 4, count=4) in summary
    assert school.t("nl", "letters.what_class", name="1A") in summary and until in summary
    for lang in ("ar", "ti", "nl", "fr", "en"):
        assert school.app.bot_data.catalogs.native_name(lang) in summary
    assert "Türkçe" not in summary  # Noor is in 3B only
    assert school.tn("nl", "letters.fallback", 1, count=1) in summary
    assert school.t("nl", "letters.unknown", codes="ku") in summary
    caption = last_document(roster.ans).caption
    assert caption == school.t(
        "nl", "letters.caption", what=school.t("nl", "letters.what_class", name="1A"),
        letters=school.tn("nl", "letters.count", 4, count=4),
    )  # fmt: skip
    async with school.app.bot_data.sessions() as session:
        stored = list(await session.exec(select(FamilyCode)))
    printed = {code for codes in made for code in codes}
    assert len(stored) == 8 and not printed & {row.code_hash for row in stored}
    assert {row.family_id for row in stored} == {
        roster.adam, roster.kim, roster.lotte, roster.tesfay,
    }  # fmt: skip


async def test_two_guardians_scan_their_own_codes_and_get_both_childrens_classes(
    school: School,
    roster: Roster,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Adam's mother scans QR 1, his father has no camera and sends the line under QR 2: both are
    linked to the same family, with Adam's 1A and Sara's 3B; a code used once does not work for
    a third person. No code reaches the log (ours at DEBUG, libraries at INFO)."""
    caplog.set_level(logging.INFO)  # libraries as bot/core/logs.py keeps them, ours at DEBUG
    caplog.set_level(logging.DEBUG, logger="bot")
    made = record_codes(monkeypatch)
    await print_letters(school, roster.ans, school.t("nl", "letters.button_class", name="1A"))
    adam_codes = made[0]
    children = "Adam B. (1A), Sara B. (3B)"
    mother = school.person("Fatima", language_code="ar")
    await scan(school, mother, adam_codes[0], "ar", children)
    father = school.person("Youssef", language_code="ar")
    await father.send("/start")  # START without a code: the bot asks for one
    await father.expect_text(school.t("ar", "start.no_code"))
    await scan(school, father, adam_codes[1], "ar", children)
    aunt = school.person("Khadija", language_code="ar")
    await aunt.send(f"/start f{adam_codes[0]}")
    await school.pick_language(aunt, "ar")
    await aunt.expect_text(school.t("ar", "start.bad_code"))
    class_ids = {(await school.class_row(name)).id for name in ("1A", "3B")}
    async with school.app.bot_data.sessions() as session:
        guardians = list(await session.exec(select(Guardian)))
        for parent in (mother, father):
            member = await school.member(parent)
            assert member is not None
            memberships = await session.exec(
                select(ClassMembership.class_id).where(ClassMembership.member_id == member.id)
            )
            assert set(memberships) == class_ids
    assert [(g.family_id, g.status) for g in guardians] == [(roster.adam, LinkStatus.APPROVED)] * 2
    logged = "\n".join(redact(record.getMessage()) for record in caplog.records)
    assert not [code for codes in made for code in codes if code in logged]


async def test_one_familys_letter_and_the_whole_school_not_reached(
    school: School, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Meester Bert (3B) picks Sara from his class list: one page, for her family, that names her
    brother in 1A too. The coordinator prints the letters of every family of the school not
    reached yet: one page per family, each family once."""
    made = record_codes(monkeypatch)
    await roster.bert.send("/letters")
    await roster.bert.press(school.t("nl", "letters.button_family", name="3B"))
    await roster.bert.expect_text(school.t("nl", "letters.pick_child", name="3B"))
    await roster.bert.press("Sara B. (3B)")
    said = await roster.bert.expect_text("🖨️")
    pdf = school.tg.file_bytes(
        (await roster.bert.wait_for_message(lambda m: m.kind == "document")).file_id or ""
    )
    family = school.t("nl", "letters.what_family", name="Adam B. (1A), Sara B. (3B)")
    assert family in said.plain and page_count(pdf) == 1
    assert qr_codes_match(pages(pdf)[0], made[0])
    made.clear()
    await roster.sofie.send("/letters")
    await roster.sofie.press(school.t("nl", "letters.button_school"))
    await roster.sofie.expect_text(school.t("nl", "letters.what_school"))
    pdf = school.tg.file_bytes(
        (await roster.sofie.wait_for_message(lambda m: m.kind == "document")).file_id or ""
    )
    assert page_count(pdf) == 5 and len(made) == 5  # Adam and Sara's family once
    for page, codes in zip(pages(pdf), made, strict=True):
        assert qr_codes_match(page, codes)


async def test_an_expired_letter_is_refused(
    school: School, roster: Roster, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    """A letter found in a schoolbag after its 120 days: the code no longer works."""
    made = record_codes(monkeypatch)
    await print_letters(school, roster.ans, school.t("nl", "letters.button_class", name="1A"))
    clock.advance(timedelta(days=CODE_DAYS, minutes=1))
    late = school.person("Lotte's papa")
    await late.send(f"/start f{made[2][0]}")
    await school.pick_language(late, "nl")
    await late.expect_text(school.t("nl", "start.bad_code"))
    member = await school.member(late)
    async with school.app.bot_data.sessions() as session:
        assert list(await session.exec(select(Guardian))) == []
        if member is not None:
            found = await session.exec(
                select(ClassMembership).where(ClassMembership.member_id == member.id)
            )
            assert found.first() is None


async def test_not_reached_letters_skip_the_families_already_reached(
    school: School, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once Adam's mother joined, "not reached yet in 1A" prints Kim's, Lotte's and Tesfay's
    letters only; a reprint makes new codes and the first letter's other code still works."""
    made = record_codes(monkeypatch)
    await print_letters(school, roster.ans, school.t("nl", "letters.button_class", name="1A"))
    first = [list(codes) for codes in made]
    await scan(
        school, school.person("Fatima", "ar"), first[0][0], "ar", "Adam B. (1A), Sara B. (3B)"
    )
    made.clear()
    summary, pdf = await print_letters(
        school, roster.ans, school.t("nl", "letters.button_not_reached", name="1A")
    )
    assert page_count(pdf) == 3 and len(made) == 3
    assert school.t("nl", "letters.what_not_reached", name="1A") in summary
    for page, codes in zip(pages(pdf), made, strict=True):
        assert qr_codes_match(page, codes)
    async with school.app.bot_data.sessions() as session:
        families = list(await session.exec(select(FamilyCode.family_id)))
        assert families.count(roster.adam) == 2  # the first print's two codes only
    await scan(school, school.person("Ahmed", "ar"), first[1][1], "ar", "Kim (1A)")


async def test_a_teacher_cannot_print_another_classs_letters(
    school: School, roster: Roster
) -> None:
    """Juf Ans forges the buttons of 3B, of Noor's family, and of the whole school: each time
    "not found", no PDF and no code."""
    class_3b = (await school.class_row("3B")).id
    for data in (f"lt:c:{class_3b}", f"lt:n:{class_3b}", f"lt:p:{class_3b}", "lt:n:0",
                 f"lt:f:{roster.noor}", "lt:f:999999", "lt:x:1"):  # fmt: skip
        press = await roster.ans.press_data(data)
        answer = await roster.ans.wait_callback_answer(press)
        assert answer.text == school.t("nl", "letters.not_found"), data
    assert not [m for m in roster.ans.messages if m.kind == "document"]
    async with school.app.bot_data.sessions() as session:
        assert list(await session.exec(select(FamilyCode))) == []
    parent = await school.parent("Mehmet", "tr", "3B")  # a parent presses it: the same
    press = await parent.press_data(f"lt:c:{class_3b}")
    assert (await parent.wait_callback_answer(press)).text == school.t("tr", "letters.not_found")


async def test_a_letter_that_cannot_be_drawn_is_said_and_makes_no_code(
    school: School, roster: Roster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that lost the Ethiopic font cannot print Tesfay's Tigrinya letter: the teacher is
    told so, and no code was made for anyone."""
    for shipped in flyer_fonts.ASSETS.glob("*.ttf"):
        if "Ethiopic" not in shipped.name:
            (tmp_path / shipped.name).write_bytes(shipped.read_bytes())
    monkeypatch.setattr(flyer_fonts, "ASSETS", tmp_path)
    await roster.ans.send("/letters")
    await roster.ans.press(school.t("nl", "letters.button_class", name="1A"))
    await roster.ans.expect_text(school.t("nl", "letters.failed"))
    assert not [m for m in roster.ans.messages if m.kind == "document"]
    async with school.app.bot_data.sessions() as session:
        assert list(await session.exec(select(FamilyCode))) == []


def test_every_language_of_the_bot_draws_whole_on_a_letter() -> None:
    """Each UI language with Dutch, for one child and for siblings, and a family with four
    languages (Persian, Pashto, Tigrinya and Dutch): drawn with fonts that have every letter
    (Arabic script shaped right to left), fitting the page."""
    catalogs = Catalogs.load(Path(__file__).resolve().parents[2] / "locales")
    printer = Printer(school_name="Basisschool De Buurt", bot=BOT, guardians=2)

    def texts(*langs: str, children: int = 1) -> tuple[LetterText, ...]:
        return tuple(
            LetterText(
                lang, catalogs.tn(lang, "letters.title", children), catalogs.t(lang, "letters.body")
            )
            for lang in langs
        )

    for lang in catalogs.languages:
        for children in (1, 2):
            printer.prepare("Adam B. (1A) · Sara B. (3B)", texts(lang, "nl", children=children))
    printer.prepare("Darya (2C)", texts("fa", "ps", "ti", "nl"))
    assert pages(
        printer.render(
            [LetterPage("Darya (2C)", texts("fa", "ps", "ti", "nl"), ("a" * 12, "b" * 12))]
        )
    )
    with pytest.raises(FlyerError, match="do not fit"):
        printer.prepare("Kim (1A)", texts(*catalogs.languages))
