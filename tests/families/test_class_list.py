"""Stories of /classlist: each child with the guardians who joined (role, language, last active), the
requests waiting, the families not reached; and "last active" written at most once a day."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.core.limits import TEXT_LIMIT, utf16_len
from bot.demo.school import School
from bot.models import GuardianRole
from bot.simulator import SimUser
from bot.telegram.middleware import ACTIVE_KEY
from tests.families.test_reach import join


@pytest.fixture
async def people(school: School, clock: ManualClock) -> dict[str, SimUser]:
    """Class 1A: Adam (father Youssef, mother Fatima), Sara (mother Elif), Noor and Bram not
        reached; Rachid, without a letter, scanned 1A's class QR and asks to be Noor's father: he
    waits for approval. Hodan is Milan's mother in 2B. Juf Lies teaches 1A."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2B")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    adam = await school.letter("1A", "Adam", languages="ar", guardians=2)
    sara = await school.letter("1A", "Sara", languages="tr", guardians=1)
    await school.letter("1A", "Noor", guardians=1)
    await school.letter("1A", "Bram", guardians=1)
    milan = await school.letter("2B", "Milan", languages="so", guardians=1)
    people = {
        "sofie": sofie,
        "lies": lies,
        "youssef": await join(school, adam[0], "Youssef", "ar", "Adam (1A)", GuardianRole.FATHER),
        "fatima": await join(school, adam[1], "Fatima", "ar", "Adam (1A)", GuardianRole.MOTHER),
        "elif": await join(school, sara[0], "Elif", "tr", "Sara (1A)", None),
        "hodan": await join(school, milan[0], "Hodan", "so", "Milan (2B)", GuardianRole.MOTHER),
    }
    rachid = school.person("Rachid", "ar")  # no letter: he scans 1A's class QR
    await rachid.send("/start " + school.classes["1A"])
    await school.pick_language(rachid, "ar")
    picker = await rachid.wait_for_message(lambda m: "jq:p:" in str(m.buttons))
    await rachid.press("Noor", message=picker)
    await rachid.press(school.t("ar", "families.role_father"))
    await rachid.expect_text(school.t("ar", "approval.requested", class_name="1A"))
    await days_written(school, 1)
    return people


async def days_written(school: School, times: int) -> None:
    """A minute later the days of use waiting are written (`member.active_on`)."""
    services = school.app.bot_data
    assert isinstance(services.clock, ManualClock) and services.scheduler is not None
    services.clock.advance(timedelta(minutes=1))
    await asyncio.wait_for(services.scheduler.ran(ACTIVE_KEY, times), timeout=5)


async def test_a_teacher_reads_her_class_list(school: School, people: dict[str, SimUser]) -> None:
    """Lies has one class: /classlist shows it at once, with whose parent everyone is."""
    lies = people["lies"]
    await lies.send("/classlist")
    shown = await lies.expect_text("📋 1A")
    percent = school.tn("nl", "reach.families", 4, reached=2, count=4, percent="50%")
    active = school.t("nl", "classlist.active", day="23 nov 2026")
    father, mother = school.t("nl", "families.role_father"), school.t("nl", "families.role_mother")
    pending = school.t("nl", "classlist.pending", name=f"Rachid ({father})", child="Noor")
    assert shown.plain.split("\n") == [
        school.t("nl", "classlist.title", name="1A", families=percent),
        "",
        "👧 Adam",
        f"   • Youssef ({father} · Arabisch · {active})",
        f"   • Fatima ({mother} · Arabisch · {active})",
        "",
        "👧 Sara",
        f"   • Elif (Turks · {active})",
        "",
        school.t("nl", "classlist.pending_title"),
        f"   • {pending}",
        "",
        school.t("nl", "classlist.not_reached_title"),
        "   • Bram",
        "   • Noor",
    ]
    one_a = (await school.class_row("1A")).id
    assert [d for row in shown.buttons for _, d in row] == [
        f"clw:{one_a}",
        f"lt:n:{one_a}",
        f"clr:{one_a}",
    ]
    await lies.press(school.t("nl", "classlist.button_write"))
    families = await lies.expect_text(school.t("nl", "classlist.pick_family"))
    assert [label for row in families.buttons for label, _ in row] == ["✉️ Adam", "✉️ Sara"]
    assert all(d.startswith("fw:") for row in families.buttons for _, d in row)
    await lies.press(school.t("nl", "classlist.button_remove"), message=shown)
    members = await lies.expect_text(school.t("nl", "classlist.pick_member", name="1A"))
    assert [label for row in members.buttons for label, _ in row] == [
        "➖ Youssef (Adam)", "➖ Fatima (Adam)", "➖ Elif (Sara)",
    ]  # fmt: skip
    ids = {(await school.member(people[n])).id for n in ("youssef", "fatima", "elif")}  # type: ignore[union-attr]
    assert {int(d.split(":")[2]) for row in members.buttons for _, d in row} == ids


async def test_a_coordinator_picks_a_class_and_a_long_list_is_split(
    school: School, people: dict[str, SimUser]
) -> None:
    """Sofie picks 2B from every class; then 3C with 160 families comes in parts under 4096."""
    sofie = people["sofie"]
    await sofie.send("/classlist")
    picker = await sofie.expect_text(school.t("nl", "classlist.pick"))
    assert [label for row in picker.buttons for label, _ in row] == ["1A", "2B"]
    await sofie.press("2B", message=picker)
    shown = await sofie.expect_text("📋 2B")
    assert "👧 Milan" in shown.plain and "   • Hodan (" in shown.plain
    await school.new_class(sofie, "3C")
    await school.crowd("3C", 160, ("ar", "tr", "so", "ti"))
    before = len(sofie.messages)
    await sofie.send("/classlist")
    picker = await sofie.expect_text(school.t("nl", "classlist.pick"))
    await sofie.press("3C", message=picker)
    await sofie.wait_for(
        lambda u: any(m.buttons and "clw:" in str(m.buttons) for m in u.messages[before:])
    )
    parts = [m for m in sofie.messages[before:] if "Kind Ouder" in m.plain]
    assert len(parts) >= 2
    assert all(utf16_len(m.text) <= TEXT_LIMIT for m in parts)
    assert sum(m.plain.count("👧 Kind Ouder") for m in parts) == 160
    assert parts[-1].buttons and not any(m.buttons for m in parts[:-1])


@contextmanager
def member_updates(app: BotApp) -> Iterator[list[str]]:
    """The UPDATEs of the member table sent to the database while the block runs."""
    seen: list[str] = []
    engine = app.bot_data.engine.sync_engine

    def look(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE MEMBER"):
            seen.append(statement)

    event.listen(engine, "after_cursor_execute", look)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", look)


async def test_last_active_is_written_once_a_day(
    school: School, people: dict[str, SimUser], clock: ManualClock
) -> None:
    """Elif writes three times on Monday: one write; on Wednesday: Wednesday is her last day."""
    elif_ = people["elif"]

    async def active_on() -> date | None:
        found = await school.member(elif_)
        assert found is not None
        return found.active_on

    assert await active_on() == date(2026, 11, 23)
    with member_updates(school.app) as writes:
        for text in ("/mydata", "/help", "/mydata"):
            await elif_.send(text)
            await elif_.next_message()
        clock.advance(timedelta(hours=3))
    assert writes == []
    clock.advance(timedelta(days=2))
    with member_updates(school.app) as writes:
        for text in ("/help", "/help"):
            await elif_.send(text)
            await elif_.next_message()
        assert await active_on() == date(2026, 11, 23)  # written a minute later, all at once
        await days_written(school, 2)
    assert len(writes) == 1 and "active_on" in writes[0]
    assert await active_on() == date(2026, 11, 25)
    await people["lies"].send("/classlist")
    shown = await people["lies"].expect_text("📋 1A")
    assert school.t("nl", "classlist.active", day="25 nov 2026") in shown.plain
