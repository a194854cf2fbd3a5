"""Stories of /reach: which families the school reaches, per class, home language and guardian role
(fathers and mothers counted apart), who read the last messages, and week by week."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.clock import ManualClock
from bot.demo.school import School
from bot.models import GuardianRole
from bot.simulator import SimUser


async def join(
    school: School, payload: str, name: str, lang: str, child: str, role: GuardianRole | None
) -> SimUser:
    """A guardian scans their personal letter, picks a language and (maybe) says who they are."""
    user = school.person(name, language_code=lang)
    await user.send("/start " + payload)
    await school.pick_language(user, lang)
    await user.expect_text(school.t(lang, "families.joined", children=child))
    if role is not None:
        await user.press(school.t(lang, f"families.role_{role.value}"))
        await user.expect_text(
            school.t(
                lang, "families.role_saved", role=school.t(lang, f"families.role_{role.value}")
            )
        )
    return user


@pytest.fixture
async def people(school: School, clock: ManualClock) -> dict[str, SimUser]:
    """Class 1A: the Adam family (Arabic and Dutch at home) with a father and a mother, the Sara
    family (Turkish) with a mother only, the Noor family (no home language known) not reached,
    the Bram family whose only father stopped the bot. Class 2B: the Milan family (Polish), whose
    mother joins a week later and never says her role. Juf Lies teaches 1A."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2B")
    await school.new_class(sofie, "3C")  # no pupils on its list yet
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    adam = await school.letter("1A", "Adam", languages="ar,nl", guardians=2)
    sara = await school.letter("1A", "Sara", languages="tr", guardians=2)
    await school.letter("1A", "Noor", guardians=2)
    bram = await school.letter("1A", "Bram", languages="nl", guardians=1)
    milan = await school.letter("2B", "Milan", languages="pl", guardians=1)
    youssef = await join(school, adam[0], "Youssef", "ar", "Adam (1A)", GuardianRole.FATHER)
    fatima = await join(school, adam[1], "Fatima", "ar", "Adam (1A)", GuardianRole.MOTHER)
    elif_ = await join(school, sara[0], "Elif", "tr", "Sara (1A)", GuardianRole.MOTHER)
    tom = await join(school, bram[0], "Tom", "nl", "Bram (1A)", GuardianRole.FATHER)
    await tom.send("/stop")
    await tom.expect_text(school.t("nl", "stop.done"))
    clock.advance(timedelta(days=8))  # into the week of 30 November
    kasia = await join(school, milan[0], "Kasia", "pl", "Milan (2B)", None)
    return {
        "sofie": sofie, "lies": lies, "youssef": youssef, "fatima": fatima, "elif": elif_,
        "kasia": kasia,
    }  # fmt: skip


def families(school: School, reached: int, count: int, percent: str) -> str:
    """'2 van 4 gezinnen bereikt (50%)'."""
    return school.tn("nl", "reach.families", count, reached=reached, count=count, percent=percent)


def roles(school: School, fathers: int, mothers: int, others: int, unknown: int) -> str:
    """The roles line, with exact counts."""

    def n(count: int) -> str:
        return school.tn("nl", "reach.count", count, count=count)

    return school.t(
        "nl", "reach.roles", fathers=n(fathers), mothers=n(mothers), others=n(others),
        unknown=n(unknown),
    )  # fmt: skip


async def test_reach_by_language_and_by_role_for_the_whole_school(
    school: School, people: dict[str, SimUser]
) -> None:
    """Sofie asks /reach: 3 of 5 families, fathers and mothers apart, each language, each week."""
    sofie = people["sofie"]
    await sofie.send("/reach")
    shown = await sofie.expect_text(school.t("nl", "reach.title_school"))
    lines = shown.plain.split("\n")
    assert lines[2] == families(school, 3, 5, "60%")
    # 4 guardians still there (Tom stopped) in 3 reached families
    assert lines[3] == school.t("nl", "reach.per_family", average="1,3")
    assert lines[4] == school.t("nl", "reach.read_none")
    languages = "Nederlands 1/2 · Arabisch 1/1 · Pools 1/1 · Turks 1/1 · onbekend 0/1"
    assert lines[5] == school.t("nl", "reach.languages", list=languages)
    assert lines[6] == roles(school, fathers=1, mothers=2, others=0, unknown=1)
    # week by week: the letters of 23 November, Kasia in the week of 30 November
    weeks = lines[lines.index(school.t("nl", "reach.weeks")) + 1 :][:8]
    assert [w.split(": ")[0] for w in weeks][-2:] == ["week van 23 nov", "week van 30 nov"]
    assert [w.rsplit(" ", 1)[1] for w in weeks] == ["0", "0", "0", "0", "0", "0", "2", "3"]
    # per class: 1A has the Noor and Bram families not reached, 2B is reached
    first = lines.index("🏫 1A")
    assert lines[first + 1] == families(school, 2, 4, "50%")
    assert lines[first + 4] == school.t(
        "nl", "reach.languages", list="Nederlands 1/2 · Arabisch 1/1 · Turks 1/1 · onbekend 0/1"
    )
    assert lines[first + 5] == roles(school, fathers=1, mothers=2, others=0, unknown=0)
    assert lines[first + 6] == school.tn("nl", "reach.not_reached", 2, count=2)
    second = lines.index("🏫 2B")
    assert lines[second + 1] == families(school, 1, 1, "100%")
    assert lines[second + 5] == roles(school, fathers=0, mothers=0, others=0, unknown=1)
    assert "🏫 3C" not in lines  # nobody on its list: nothing to count
    assert school.t("nl", "reach.buddy_note") in shown.plain
    # "not reached" leads to the letters: of every family not reached, and of 1A
    labels = [label for row in shown.buttons for label, _ in row]
    data = [d for row in shown.buttons for _, d in row]
    assert data == ["lt:n:0", f"lt:n:{(await school.class_row('1A')).id}"]
    assert labels[1] == school.t("nl", "reach.button_letters", name="1A", count=2)


async def test_who_read_the_last_announcements(school: School, people: dict[str, SimUser]) -> None:
    """Lies writes to 1A; Fatima taps Seen: one family of 1A read one of the last messages."""
    lies, fatima = people["lies"], people["fatima"]
    await lies.send("Morgen is het sportdag.")
    await lies.wait_for_message(
        lambda m: any("ann:send:" in d for row in m.buttons for _, d in row)
    )
    await lies.press(school.t("nl", "announce.send_now"))
    copy = await fatima.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=10)
    seen = await fatima.press(school.t("ar", "announce.button_seen"), message=copy)
    await fatima.wait_callback_answer(seen)
    await lies.send("/reach")
    shown = await lies.expect_text(school.t("nl", "reach.title_own"))
    lines = shown.plain.split("\n")
    assert lines[2] == families(school, 2, 4, "50%")  # only her class 1A
    assert lines[4] == school.tn("nl", "reach.read", 1, count=1, last=1)
    assert "🏫 2B" not in lines


async def test_a_teacher_sees_only_her_own_classes(
    school: School, people: dict[str, SimUser]
) -> None:
    """Lies sees 1A's list; a forged press for 2B's list is answered "not found", nothing shown."""
    lies = people["lies"]
    await lies.send("/reach")
    shown = await lies.expect_text(school.t("nl", "reach.title_own"))
    assert "🏫 1A" in shown.plain and "2B" not in shown.plain
    assert ["lt:n:0"] not in [[d for _, d in row] for row in shown.buttons]
    other = (await school.class_row("2B")).id
    count = len(lies.messages)
    answer = await lies.wait_callback_answer(await lies.press_data(f"cl:{other}"))
    assert answer.text == school.t("nl", "classes.not_found") and answer.show_alert
    for forged in (f"clw:{other}", f"clr:{other}"):
        answer = await lies.wait_callback_answer(await lies.press_data(forged))
        assert answer.text == school.t("nl", "classes.not_found")
    assert len(lies.messages) == count
    parent = people["elif"]
    await parent.send("/reach")
    await parent.expect_text(school.t("tr", "error.not_allowed"))


async def test_an_arabic_coordinator_reads_reach_right_to_left(
    school: School, people: dict[str, SimUser]
) -> None:
    """Sofie reads Arabic: language names and numbers her way, and every line right to left,
    also the class "1A" that opens with a Latin letter."""
    sofie = people["sofie"]
    await sofie.send("/language")
    await school.pick_language(sofie, "ar")
    await sofie.send("/reach")
    shown = await sofie.expect_text(school.t("ar", "reach.title_school"))
    lines = [line for line in shown.plain.split("\n") if line]
    assert "\u200f🏫 1A" in lines
    assert all(not line[0].isascii() or not line[0].isalpha() for line in lines)
    assert "العربية" in shown.plain  # Babel's name of Arabic, in Arabic
    # the percentage isolated left to right, or the bidi algorithm shows "(%60)"
    families = school.tn("ar", "reach.families", 5, reached=3, count=5, percent="\u206660%\u2069")
    assert families in lines, lines[:4]
