"""The dashboard's database-counted poll results equal the bot's, threshold rules included."""

from __future__ import annotations

import random

import pytest

from bot.models import School, SchoolClass
from bot.polls import service as svc
from bot.polls.results import tally
from bot.polls.tally import tally_counted
from tests.conftest import START
from tests.helpers.polls import FLOWS, make_poll, publish, respond

HARD = ["language", "hours", "childcare", "transport", "welcome", "letters"]


@pytest.mark.parametrize("min_group", [3, 5, 8])
async def test_counted_results_equal_the_bots(sessions, min_group: int) -> None:  # type: ignore[no-untyped-def]
    """Classes of 9, 6, 6, 4 and 2 answers plus some without a class: same groups, counts, texts."""
    rng = random.Random(min_group)
    async with sessions() as session:
        school = School(name="De Buurt", created_at=START, min_group=min_group, min_text_group=4)
        session.add(school)
        await session.commit()
        classes = [
            SchoolClass(school_id=school.id, name=n, join_code=f"k{n}", created_at=START)
            for n in ("1A", "2A", "3A", "4A", "5A")
        ]
        session.add_all(classes)
        await session.commit()
        poll = await make_poll(session, school.id or 0, [c.id or 0 for c in classes])
        sizes = [(classes[0].id, 9), (classes[1].id, 6), (classes[2].id, 6), (classes[3].id, 4)]
        for class_id, size in [*sizes, (classes[4].id, 2), (None, 3)]:
            for _ in range(size):
                picks = tuple(rng.sample(HARD, rng.randint(1, 3)))
                text = rng.choice([None, None, "Te laat gedaan", "=1+1"])
                hard = svc.Given(picks, text=text, language="tr" if text else None)
                often = rng.choice([None, svc.Given((rng.choice(["often", "never"]),))])
                await respond(session, poll, class_id, {"hard": hard, "often": often})
        flow = FLOWS["barriers"]
        await publish(session, poll)  # as at closing: nothing held back
        expected = await tally(session, poll=poll, flow=flow)
        counted = await tally_counted(session, poll=poll, flow=flow)
    assert [(g.name, g.respondents) for g in counted.groups] == [
        (g.name, g.respondents) for g in expected.groups
    ]
    assert counted.groups == expected.groups
    assert counted.texts == expected.texts and counted.texts_total == expected.texts_total
    assert counted.respondents == expected.respondents == 30
