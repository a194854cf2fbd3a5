"""Polls over time (ManualClock): invitations after quiet hours, two spaced reminders, closing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.demo.school import School
from bot.models import Poll, PollStatus
from bot.polls.jobs import tick
from bot.simulator import SimUser
from tests.helpers.polls import answer, has_data, invitation, launch

PARENTS = [("Amina", "ar"), ("Mehmet", "tr"), ("Kasia", "pl"), ("Tom", "nl"), ("Hodan", "so")]


async def _school(school: School) -> dict[str, SimUser]:
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {"sofie": sofie}
    for name, lang in PARENTS:
        people[name] = await school.parent(name, lang, "1A")
    return people


def reminders(user: SimUser) -> int:
    """Reminders a parent received."""
    return sum(1 for m in user.messages if m.text.startswith("⏰"))


async def run_tick(school: School, when: datetime) -> None:
    """Move the clock and let the schedule act once."""
    school.app.bot_data.clock.set(when)  # type: ignore[attr-defined]
    await tick(school.app.bot, school.app.bot_data)


async def test_two_spaced_reminders_to_those_who_did_not_answer_then_closing(
    school: School,
) -> None:
    """Closes Monday 30/11 18:00; reminders at a third and two thirds, never at night."""
    people = await _school(school)
    poll_id = await launch(school, people["sofie"], "hear", parents=5)
    for name, lang in PARENTS[:2]:
        await answer(school, people[name], lang, poll_id, [["bot"], "own", "weekly"])
    for name, _ in PARENTS[2:]:
        await invitation(people[name], poll_id)
    await run_tick(school, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # a day later: too early
    await run_tick(school, datetime(2026, 11, 25, 20, 0, tzinfo=UTC))  # due, but 21:00 in Brussels
    async with school.app.bot_data.sessions() as session:
        poll = await session.get(Poll, poll_id)
        assert poll is not None and poll.reminders_sent == 0
    await run_tick(school, datetime(2026, 11, 26, 6, 30, tzinfo=UTC))  # 07:30: first reminder
    await run_tick(school, datetime(2026, 11, 26, 6, 31, tzinfo=UTC))  # not again
    for name, lang in PARENTS[2:]:
        await people[name].wait_for(lambda u: reminders(u) == 1)
        first = next(m for m in people[name].messages if m.text.startswith("⏰"))
        assert (
            has_data(first, f"pg:{poll_id}") and school.t(lang, "poll.start_button") in first.labels
        )
    await run_tick(school, datetime(2026, 11, 28, 7, 0, tzinfo=UTC))  # second reminder
    await run_tick(school, datetime(2026, 11, 29, 10, 0, tzinfo=UTC))  # no third
    for name, _ in PARENTS[2:]:
        await people[name].wait_for(lambda u: reminders(u) == 2)
    await run_tick(school, datetime(2026, 11, 30, 16, 59, tzinfo=UTC))
    async with school.app.bot_data.sessions() as session:
        poll = await session.get(Poll, poll_id)
        assert poll is not None and poll.status == PollStatus.OPEN and poll.reminders_sent == 2
    await run_tick(school, datetime(2026, 11, 30, 17, 0, tzinfo=UTC))  # 18:00 in Brussels: closed
    sofie = people["sofie"]
    await sofie.wait_for_message(lambda m: "🔒" in m.text and " 2 " in m.text)
    for name, _ in PARENTS[:2]:
        assert reminders(people[name]) == 0  # they answered: never reminded
    kasia = people["Kasia"]
    late = next(m for m in kasia.messages if m.text.startswith("⏰"))
    cb = await kasia.press(school.t("pl", "poll.start_button"), message=late)
    assert (await kasia.wait_callback_answer(cb)).text == school.t("pl", "poll.closed")
    async with school.app.bot_data.sessions() as session:
        poll = await session.get(Poll, poll_id)
        assert poll is not None and poll.status == PollStatus.CLOSED


async def test_a_poll_launched_at_night_reaches_parents_in_the_morning(school: School) -> None:
    """Launched at 22:00: the coordinator is told 07:00; parents get it when the quiet hours end."""
    people = await _school(school)
    school.app.bot_data.clock.set(datetime(2026, 11, 23, 21, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    sofie = people["sofie"]
    await sofie.send("/polls")
    await sofie.press("pn:moments")
    draft = await sofie.wait_for_message(lambda m: has_data(m, "pl:"))
    await sofie.press(school.t("nl", "poll.launch_button"), message=draft)
    await sofie.wait_for(
        lambda u: school.t("nl", "poll.launched_quiet", time="07:00") in draft.text
    )
    await run_tick(school, datetime(2026, 11, 24, 5, 30, tzinfo=UTC))  # 06:30: still quiet
    assert not any(has_data(m, "pg:") for _, u in people.items() for m in u.messages)
    school.app.bot_data.clock.set(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    assert school.app.bot_data.scheduler is not None  # 07:00: the scheduler sends them
    await asyncio.wait_for(school.app.bot_data.scheduler.ran("poll-1", 1), 10)
    for name, _ in PARENTS:
        await people[name].wait_for(lambda u: any(has_data(m, "pg:") for m in u.messages))
    async with school.app.bot_data.sessions() as session:
        polls = [p for p in [await session.get(Poll, 1)] if p]
        assert polls and polls[0].invited == 5 and polls[0].invite_at is None
