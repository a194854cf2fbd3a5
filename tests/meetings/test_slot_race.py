"""Families pressing the same last free time at once: one gets it, every other is told at once
and shown what is still free. Never a double booking (the database's unique constraints),
on SQLite here and on PostgreSQL in test_slot_race_postgres.py."""

from __future__ import annotations

import asyncio

from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.meetings import bookings, meeting_class_1a, offered, publish, slot_data

__all__ = ["meeting_class_1a"]  # the fixture class_1a of these stories


async def four_families_press_the_last_time_at_once(school: School, class_1a: dict[str, SimUser]) -> None:  # fmt: skip
    """The story, on whichever database the suite runs."""
    lies = class_1a["lies"]
    parents = [class_1a[n] for n in ("Tom", "Amina", "Mehmet", "Kasia")]
    langs = ["nl", "ar", "tr", "pl"]
    await publish(school, lies, "26/11 16:00-16:30")  # two times: 16:00 and 16:15
    copies = [await offered(p) for p in parents]
    await parents[0].press("16:00", message=copies[0])
    await parents[0].wait_for(lambda u: "✅" in copies[0].text)
    # The last free time, pressed by three families in the same moment (their messages still
    # show it: nobody has reloaded).
    presses = [
        await p.press_data(slot_data(c, "16:15"), c)
        for p, c in zip(parents[1:], copies[1:], strict=True)
    ]
    answers = await asyncio.gather(
        *(
            p.wait_callback_answer(cb, timeout=10)
            for p, cb in zip(parents[1:], presses, strict=True)
        )
    )
    won = [
        i for i, a in enumerate(answers) if a.text == school.t(langs[i + 1], "meet.booked_short")
    ]
    lost = [i for i, a in enumerate(answers) if a.text == school.t(langs[i + 1], "meet.taken")]
    assert len(won) == 1 and len(lost) == 2, [a.text for a in answers]
    assert all(answers[i].show_alert for i in lost)
    for i in lost:  # told at once, in their language, and shown what is free: nothing any more
        parent, lang, copy = parents[i + 1], langs[i + 1], copies[i + 1]
        await parent.wait_for(lambda u, c=copy, lg=lang: school.t(lg, "meet.full") in c.text)
        assert copy.text.startswith(school.t(lang, "meet.taken")) and not copy.buttons
    stored = await bookings(school)
    assert len(stored) == 2 and len({b.slot_id for b in stored}) == 2


async def test_four_families_press_the_last_time_at_once(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Tom takes 16:00; Amina, Mehmet and Kasia press 16:15 at the same moment: one of them
    has it, the two others are told that it was just taken, and no time is booked twice."""
    await four_families_press_the_last_time_at_once(school, class_1a)
