"""Stories of absence notes (issue 18): a parent reports in three taps, the class teacher and the
office read it in Dutch at once (or at the start of the school day), a teacher marks a child
absent and the family answers, the morning list, the office's export.

The clock starts on Monday 23 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.absences.service import day_number
from bot.absences.views import days, one_day
from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.core.when import show
from bot.demo.school import School
from bot.families import service as families
from bot.models import Absence
from bot.simulator import SimUser
from tests.helpers.argos_model import install_translation_models
from tests.helpers.restart import restarted

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


@pytest.fixture
async def class_1a(school: School) -> dict[str, SimUser]:
    """Class 1A: Juf Lies; Sofie runs the office; Mehmet (Turkish), father of Adam."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    return {
        "sofie": sofie,
        "lies": await school.teacher(sofie, "Juf Lies", "1A"),
        "mehmet": await school.parent("Mehmet", "tr", "1A", child="Adam"),
    }


async def pupil_id(school: School, name: str) -> int:
    """The roster id of a child (by first name)."""
    async with school.app.bot_data.sessions() as session:
        found = [c for c in await families.children(session) if c.first_name == name]
    return found[0].pupil_id


async def stored(school: School) -> list[Absence]:
    """Every absence the school has on record."""
    async with school.app.bot_data.sessions() as session:
        return list(await session.exec(select(Absence).order_by(Absence.id)))  # type: ignore[arg-type]


async def settled(user: SimUser, school: School, lang: str, role: str) -> None:
    """Everything the user sent before has been handled (a person's updates run in order)."""
    await user.send("/help")
    await user.expect_text(school.help(lang, role))


async def test_a_parent_reports_a_sick_child_in_three_taps_and_adds_words(
    school: School, class_1a: dict[str, SimUser], model_files: Path
) -> None:
    """Mehmet: /absent, Today, 🤒. Juf Lies and the office read it in Dutch at once; his words
    follow, machine-translated into Dutch beside the Turkish."""
    install_translation_models(school, model_files)
    sofie, lies, mehmet = class_1a["sofie"], class_1a["lies"], class_1a["mehmet"]
    await mehmet.send("/absent")
    await mehmet.expect_text(school.t("tr", "absence.when", child="Adam"))
    await mehmet.press(school.t("tr", "absence.today"))
    await mehmet.expect_text(school.t("tr", "absence.why", child="Adam", days=days(MONDAY, MONDAY, "tr")))  # fmt: skip
    await mehmet.press(school.t("tr", "absence.reason_sick"))
    receipt = school.t(
        "tr", "absence.receipt", child="Adam", days=days(MONDAY, MONDAY, "tr"),
        reason=school.t("tr", "absence.reason_sick"),
    )  # fmt: skip
    await mehmet.expect_text(receipt)
    note = school.t(
        "nl", "absence.team_note", child="Adam (1A)", days=days(MONDAY, MONDAY, "nl"),
        reason=school.t("nl", "absence.reason_sick"), parent="Mehmet",
    )  # fmt: skip
    await lies.expect_text(note)
    await sofie.expect_text(note)
    await mehmet.send("Oğlumun ateşi var.")
    await mehmet.expect_text(school.t("tr", "absence.words_received"))
    extra = await lies.expect_text(school.t("nl", "absence.team_addition", child="Adam (1A)"))
    assert "Oğlumun ateşi var." in extra.text
    assert school.t("nl", "absence.team_words_nl", text="") in extra.text
    assert "[en>nl]" in extra.text  # the tiny test model's Dutch
    [absence] = await stored(school)
    assert (absence.first_day, absence.last_day, absence.reason) == (MONDAY, MONDAY, "sick")
    assert absence.note == "Oğlumun ateşi var." and absence.team_due_at is None


async def test_several_children_several_days_and_bad_presses(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """A family with two children picks one and several days; a forged child and a day in the past
    are refused; nothing is recorded for them."""
    mehmet, sofie = class_1a["mehmet"], class_1a["sofie"]
    services = school.app.bot_data
    await school.new_class(sofie, "3B")
    async with services.sessions() as session:
        [family] = await families.guardian_families(
            session,
            member_id=(await school.member(mehmet)).id or 0,  # type: ignore[union-attr]
        )
        sara_class = await school.class_row("3B")
        await families.add_pupil(
            session, school_id=services.school_id, family_id=family, class_id=sara_class.id,
            first_name="Sara", now=services.clock.now(),
        )  # fmt: skip
        await session.commit()
    stranger = await school.parent("Ayşe", "tr", "1A", child="Elif")
    await mehmet.send("/absent")
    await mehmet.expect_text(school.t("tr", "absence.which_child"))
    await mehmet.press("Sara (3B)")
    await mehmet.press(school.t("tr", "absence.several"))
    await mehmet.expect_text(school.t("tr", "absence.from_day", child="Sara"))
    wednesday, friday = date(2026, 11, 25), date(2026, 11, 27)
    await mehmet.press(one_day(wednesday, "tr"))
    await mehmet.expect_text(school.t("tr", "absence.to_day", child="Sara"))
    await mehmet.press(one_day(friday, "tr"))
    await mehmet.press(school.t("tr", "absence.reason_family"))
    await mehmet.expect_text(school.t("tr", "absence.receipt", child="Sara", days=days(wednesday, friday, "tr"), reason=school.t("tr", "absence.reason_family")))  # fmt: skip
    # The office hears of it (3B has no teacher yet): Sofie reads the three days in Dutch.
    await sofie.expect_text(days(wednesday, friday, "nl"))
    # Ayşe forges a press about Adam, who is not her child: refused as a stale button.
    elif_ = await pupil_id(school, "Elif")
    adam = await pupil_id(school, "Adam")
    today = day_number(MONDAY)
    cb = await stranger.press_data(f"ab:r:{adam}:{today}:{today}:sick")
    answer = await stranger.wait_callback_answer(cb)
    assert answer.text == school.t("tr", "error.stale_button")
    # Mehmet presses a day in the past (an old button, or a forged one).
    yesterday = day_number(MONDAY - timedelta(days=1))
    await mehmet.press_data(f"ab:d:{adam}:{yesterday}:{yesterday}")
    await mehmet.expect_text(school.t("tr", "absence.past"))
    cb = await mehmet.press_data(f"ab:r:{adam}:{yesterday}:{yesterday}:sick")
    await mehmet.expect_text(school.t("tr", "absence.past"))
    await settled(stranger, school, "tr", "parent")
    assert [(a.pupil_id, a.first_day, a.last_day) for a in await stored(school)] == [
        (await pupil_id(school, "Sara"), wednesday, friday)
    ]
    assert elif_ != adam


async def test_a_note_late_in_the_evening_waits_for_the_school_day_across_a_restart(
    school: School,
    class_1a: dict[str, SimUser],
    clock: ManualClock,
    app: BotApp,
    settings: Settings,
) -> None:
    """Mehmet reports at 22:30 for tomorrow; the bot restarts in the night; Juf Lies reads it at
    07:00 (when the quiet hours end), not before, and once."""
    lies, mehmet = class_1a["lies"], class_1a["mehmet"]
    clock.set(datetime(2026, 11, 23, 21, 30, tzinfo=UTC))  # Monday 22:30 in Brussels
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.tomorrow", day=one_day(TUESDAY, "tr")))
    await mehmet.press(school.t("tr", "absence.reason_doctor"))
    morning = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # Tuesday 07:00 in Brussels
    await mehmet.expect_text(school.t("tr", "absence.receipt_held", child="Adam", days=days(TUESDAY, TUESDAY, "tr"), reason=school.t("tr", "absence.reason_doctor"), when=show(morning, tz=settings.tz, lang="tr")))  # fmt: skip
    await settled(mehmet, school, "tr", "parent")
    note = school.t("nl", "absence.team_note", child="Adam (1A)", days=days(TUESDAY, TUESDAY, "nl"), reason=school.t("nl", "absence.reason_doctor"), parent="Mehmet")  # fmt: skip
    assert not [m for m in lies.messages if note in m.text]
    async with restarted(app, settings, clock) as fresh:
        assert fresh.bot_data.scheduler is not None
        armed = {k: w for k, w in fresh.bot_data.scheduler.pending().items() if k.startswith("absence:")}  # fmt: skip
        assert list(armed.values()) == [morning]
        clock.set(morning - timedelta(minutes=1))
        await settled(lies, school, "nl", "teacher")
        assert not [m for m in lies.messages if note in m.text]
        clock.set(morning)
        await lies.expect_text(note, timeout=10)
        await fresh.bot_data.scheduler.ran(next(iter(armed)), 1)
    assert len([m for m in lies.messages if note in m.text]) == 1


async def test_a_teacher_marks_a_child_absent_and_the_family_answers(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies marks Adam absent: Mehmet is asked in Turkish; his first answer reaches her in
    Dutch; a second press is thanked without telling her twice; a stranger's press is refused."""
    lies, mehmet = class_1a["lies"], class_1a["mehmet"]
    stranger = await school.parent("Ayşe", "tr", "1A", child="Elif")
    await lies.send("/absent")
    await lies.press("1A")
    await lies.expect_text(school.t("nl", "absence.mark_child"))
    await lies.press("Adam (1A)")
    await lies.expect_text(school.tn("nl", "absence.marked", 1, count=1, child="Adam (1A)"))
    question = await mehmet.expect_text(school.t("tr", "absence.question", child="Adam"))
    [absence] = await stored(school)
    cb = await stranger.press_data(f"abq:{absence.id}:sick")
    assert (await stranger.wait_callback_answer(cb)).text == school.t("tr", "error.stale_button")
    await mehmet.press(school.t("tr", "absence.reason_late"), message=question)
    late = school.t("tr", "absence.reason_late")
    await mehmet.expect_text(school.t("tr", "absence.answer_thanks", reason=late))
    answer = school.t("nl", "absence.answer_team", parent="Mehmet", child="Adam (1A)", reason=school.t("nl", "absence.reason_late"))  # fmt: skip
    await lies.expect_text(answer)
    await mehmet.press_data(f"abq:{absence.id}:sick", question)
    await mehmet.expect_text(school.t("tr", "absence.answer_already"))
    await settled(lies, school, "nl", "teacher")
    assert len([m for m in lies.messages if "Mehmet" in m.text and "Adam" in m.text]) == 1
    [absence] = await stored(school)
    assert absence.reason == "late" and absence.source == "teacher"


async def test_the_morning_list_and_the_office_export(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """At 08:30 on Tuesday Juf Lies gets the day's reported absences; the office exports the week
    as CSV (`;`, BOM, CRLF) and XLSX."""
    lies, mehmet, sofie = class_1a["lies"], class_1a["mehmet"], class_1a["sofie"]
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.tomorrow", day=one_day(TUESDAY, "tr")))
    await mehmet.press(school.t("tr", "absence.reason_sick"))
    await lies.expect_text(school.t("nl", "absence.reason_sick"))
    scheduler = school.app.bot_data.scheduler
    assert scheduler is not None
    assert scheduler.pending()["absence-morning"] == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    clock.set(datetime(2026, 11, 24, 7, 30, tzinfo=UTC))  # Tuesday 08:30 in Brussels
    title = school.tn("nl", "absence.morning_title", 1, count=1, day=one_day(TUESDAY, "nl"))
    listed = await lies.expect_text(title, timeout=10)
    assert "Adam B." not in listed.text and "• Adam (1A): 🤒 Ziek" in listed.text
    await sofie.send("/absences")
    await sofie.press(school.t("nl", "absence.period_week"))
    await sofie.wait_for(lambda u: sum((m.file_name or "").startswith("absences-") for m in u.messages) == 2)  # fmt: skip
    files = {m.file_name: school.tg.files[m.file_id].data for m in sofie.messages if m.file_id}
    raw = files["absences-2026-11-23-2026-11-29.csv"]
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == school.t("nl", "absence.export_header").split("|")
    assert table[1][:5] == ["Adam", "1A", "2026-11-24", "2026-11-24", "🤒 Ziek"]
    book = load_workbook(io.BytesIO(files["absences-2026-11-23-2026-11-29.xlsx"]))
    assert [c.value for c in next(book.active.iter_rows(min_row=2))][:2] == ["Adam", "1A"]  # type: ignore[union-attr]


async def test_repeated_unexplained_absences_in_the_weekly_overview(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """Juf Lies marks Adam absent three days running and nobody answers; on Monday morning the
    office's weekly overview names him (threshold 3 in 4 weeks). An answered mark does not count."""
    lies, mehmet, sofie = class_1a["lies"], class_1a["mehmet"], class_1a["sofie"]
    ayse = await school.parent("Ayşe", "tr", "1A", child="Elif")
    for day in range(3):
        clock.set(datetime(2026, 11, 23 + day, 9, 0, tzinfo=UTC))  # Mon, Tue, Wed 10:00
        for child in ("Adam", "Elif"):
            await lies.send("/absent")
            await lies.press("1A")
            await lies.press(f"{child} (1A)")
            await lies.expect_text(school.tn("nl", "absence.marked", 1, count=1, child=f"{child} (1A)"))  # fmt: skip
        await mehmet.expect_text(school.t("tr", "absence.question", child="Adam"))
    elif_id = await pupil_id(school, "Elif")
    elif_mark = next(a for a in await stored(school) if a.pupil_id == elif_id)
    await ayse.press_data(f"abq:{elif_mark.id}:sick")  # one of Elif's three marks is explained
    await ayse.expect_text(school.t("tr", "absence.answer_thanks", reason=school.t("tr", "absence.reason_sick")))  # fmt: skip
    clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))  # Monday 08:00 in Brussels
    title = school.tn("nl", "absence.weekly_title", 1, count=1, threshold=3)
    overview = await sofie.expect_text(title, timeout=10)
    assert school.tn("nl", "absence.weekly_line", 3, count=3, child="Adam (1A)") in overview.text
    assert "Elif" not in overview.text


async def test_typed_days_and_a_friday_evening_note_wait_for_monday(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock, settings: Settings
) -> None:
    """After "several days" Mehmet types the days: nonsense and a past day are refused, a range
    is taken. On Friday evening the team is told on Monday at 07:00, not on Saturday."""
    lies, mehmet = class_1a["lies"], class_1a["mehmet"]
    clock.set(datetime(2026, 11, 27, 21, 0, tzinfo=UTC))  # Friday 22:00 in Brussels
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.several"))
    await mehmet.expect_text(school.t("tr", "absence.type_days"))
    await mehmet.send("30 kasımda")  # a digit, but no day/month: asked again
    await mehmet.expect_text(school.t("tr", "absence.bad_days"))
    await mehmet.send("20/11")
    await mehmet.expect_text(school.t("tr", "absence.past"))
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.several"))
    await mehmet.send("30/11-1/12")
    first, last = date(2026, 11, 30), date(2026, 12, 1)
    await mehmet.expect_text(school.t("tr", "absence.why", child="Adam", days=days(first, last, "tr")))  # fmt: skip
    await mehmet.press(school.t("tr", "absence.reason_family"))
    monday = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 07:00 in Brussels
    receipt = await mehmet.expect_text(show(monday, tz=settings.tz, lang="tr"))
    assert school.t("tr", "absence.add_words") in receipt.text
    await mehmet.send("/absent")  # "several days", then words without a digit: an ordinary message
    await mehmet.press(school.t("tr", "absence.several"))
    await mehmet.send("Teşekkürler, iyi hafta sonları")
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    scheduler = school.app.bot_data.scheduler
    assert scheduler is not None
    armed = [k for k, w in scheduler.pending().items() if k.startswith("absence:")]
    assert [scheduler.pending()[k] for k in armed] == [monday]
    clock.set(datetime(2026, 11, 28, 6, 0, tzinfo=UTC))  # Saturday 07:00: still nothing
    await settled(lies, school, "nl", "teacher")
    assert not [m for m in lies.messages if days(first, last, "nl") in m.text]
    clock.set(monday)
    await lies.expect_text(days(first, last, "nl"), timeout=10)


async def test_absences_and_forms_of_past_school_years_are_deleted_at_night(
    school: School, class_1a: dict[str, SimUser], clock: ManualClock
) -> None:
    """A note from last June is deleted at 03:30; this school year's note stays."""
    services = school.app.bot_data
    adam = await pupil_id(school, "Adam")
    async with services.sessions() as session:
        for day in (date(2026, 6, 15), date(2026, 9, 1)):
            session.add(
                Absence(school_id=services.school_id, pupil_id=adam, first_day=day, last_day=day,
                        reason="sick", created_at=services.clock.now())
            )  # fmt: skip
        await session.commit()
    scheduler = services.scheduler
    assert scheduler is not None
    clock.set(datetime(2026, 11, 24, 2, 30, tzinfo=UTC))  # Tuesday 03:30 in Brussels
    await scheduler.ran("absence-purge", 1)
    assert [a.first_day for a in await stored(school)] == [date(2026, 9, 1)]


async def test_the_office_changes_the_morning_time_and_the_threshold(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """`/absences 8u15 4` moves the morning list to 08:15; a wrong value is explained."""
    sofie = class_1a["sofie"]
    await sofie.send("/absences")
    await sofie.expect_text(school.t("nl", "absence.settings", time="08:30", threshold=3))
    await sofie.send("/absences morgen")
    await sofie.expect_text(school.t("nl", "absence.settings_bad"))
    await sofie.send("/absences 8u15 4")
    await sofie.expect_text(school.t("nl", "absence.settings_saved", time="08:15", threshold=4))
    scheduler = school.app.bot_data.scheduler
    assert scheduler is not None
    assert scheduler.pending()["absence-morning"] == datetime(2026, 11, 24, 7, 15, tzinfo=UTC)
    await sofie.send("/absences")
    await sofie.expect_text(school.t("nl", "absence.settings", time="08:15", threshold=4))
