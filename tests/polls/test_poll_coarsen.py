"""The coarsening rule: a response stores a class or a language only when k invited guardians
share it (and what is left unnamed is 0 or at least k too); batches are written in random order."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import select

from bot.models import PollAnswer, PollResponse, School, SchoolClass
from bot.polls import batches
from bot.polls import service as svc
from bot.polls.coarsen import NOTHING, POOL, Shown, kept, load, shown
from bot.polls.tally import tally_counted
from tests.conftest import START
from tests.helpers.polls import FLOWS, make_poll, respond

K = 5


def test_a_value_shared_by_fewer_than_k_is_not_kept() -> None:
    assert kept(Counter({"nl": 7, "ar": 6}), k=K) == {"nl", "ar"}
    assert kept(Counter({"nl": 7, "ar": 6, "ti": 5}), k=K) == {"nl", "ar", "ti"}
    # One Tigrinya speaker alone in "other language" would be named by it: Arabic joins the pool.
    assert kept(Counter({"nl": 7, "ar": 6, "ti": 1}), k=K) == {"nl"}
    assert kept(Counter({"nl": 7, "ar": 2, "ti": 3}), k=K) == {"nl"}  # the pool is 5
    assert kept(Counter({"nl": 4}), k=K) == set()  # fewer than k in all: nothing is named
    assert kept(Counter({"nl": 5, "ar": 4}), k=K) == set()  # 5 + 4: no split leaves both >= 5
    assert kept(Counter({"nl": 9, "": 5}), k=K, pooled=[""]) == {"nl"}  # "" is never named


def test_classes_then_languages_per_class() -> None:
    """1A has one parent, a father is in 2B and 3C: the pool takes 3C to reach k."""
    audience: list[tuple[int | None, str]] = (
        [(1, "nl")]
        + [(2, "nl")] * 5
        + [(2, "ar")] * 2
        + [(2, "ti")]
        + [(2, "tr")] * 2
        + [(3, "ar")] * 5
        + [(3, "nl")] * 2
        + [(3, "ps")]
        + [(None, "nl")]
    )
    found = shown(audience, k=K)
    assert found.classes == {2}
    assert found.languages == {2: {"nl"}, POOL: {"ar"}}
    assert found.class_of(2) == 2 and found.class_of(1) is None and found.class_of(None) is None
    assert found.language_of(2, "nl") == "nl" and found.language_of(2, "ti") is None
    assert found.language_of(3, "ar") == "ar" and found.language_of(1, "nl") is None
    # Every value stored, alone or with the others, is shared by k invited guardians.
    groups = Counter((found.class_of(c), found.language_of(c, lang)) for c, lang in audience)
    assert min(groups.values()) >= K and sum(groups.values()) == len(audience)
    assert load(found.dump()) == found


def test_a_poll_launched_before_the_rule_stores_neither() -> None:
    assert load(None) == NOTHING
    assert NOTHING.class_of(3) is None and NOTHING.language_of(3, "nl") is None
    assert shown([(1, "nl")] * 4, k=K) == Shown(frozenset(), {})


def test_a_batch_is_written_in_random_order_under_new_ids() -> None:
    """Ten respondents' held rows become responses and answers in an order that is not theirs."""
    rows = [(f"row{n}", f"resp{n // 2}", None, "q", f"o{n}", None, None, None) for n in range(20)]
    orders = set()
    for _ in range(20):
        responses, answers = batches.published(rows, poll_id=1, day=date(2026, 11, 23))
        assert len(responses) == 10 and len(answers) == 20
        assert not {r["id"] for r in responses} & {f"resp{n}" for n in range(10)}
        by_new = {r["id"]: n for n, r in enumerate(responses)}
        options = [a["option_id"] for a in answers]
        assert sorted(options) == sorted(f"o{n}" for n in range(20))
        orders.add(tuple(options))
        # The two answers of one respondent still belong together.
        pairs = Counter(a["response_id"] for a in answers)
        assert set(pairs.values()) == {2} and set(pairs) == set(by_new)
    assert len(orders) > 1  # 20 draws of 20! orders: equal by chance with odds ~ 1e-350


async def test_at_closing_a_class_or_language_of_fewer_than_k_respondents_is_dropped(
    sessions,  # type: ignore[no-untyped-def]
) -> None:
    """Twelve answer: 7 of 1A, 2 of 3B, 3 with several classes. With the secret an insider knows
    who took part, so 3B (2 respondents) must not stay in the rows; 1A (7) stays. Of the free
    texts, Dutch (5 in 1A) stays named, one Arabic text of the rest does not."""
    async with sessions() as session:
        school = School(name="De Buurt", created_at=START)
        session.add(school)
        await session.commit()
        a, b = (
            SchoolClass(school_id=school.id or 0, name=n, join_code=f"c{n}", created_at=START)
            for n in ("1A", "3B")
        )
        session.add_all([a, b])
        await session.commit()
        poll = await make_poll(session, school.id or 0, [a.id or 0, b.id or 0])
        for n in range(7):
            text = svc.Given(("language",), f"tekst {n}", "nl") if n < 5 else svc.Given(("hours",))
            await respond(session, poll, a.id, {"hard": text})
        for class_id in (b.id, b.id, None, None):
            await respond(session, poll, class_id, {"often": svc.Given(("often",))})
        await respond(session, poll, None, {"hard": svc.Given(("hours",), "نص", "ar")})
        await svc.close(session, poll=poll)
        responses = list(await session.exec(select(PollResponse)))
        texts = [x for x in await session.exec(select(PollAnswer)) if x.text]
        counted = await tally_counted(session, poll=poll, flow=FLOWS["barriers"])
    assert Counter(r.class_id for r in responses) == {a.id: 7, None: 5}
    assert sorted(x.language or "" for x in texts) == ["", "nl", "nl", "nl", "nl", "nl"]
    assert counted.respondents == 12  # the counts were rebuilt from the rows
    assert [(g.name, g.respondents) for g in counted.groups] == [(None, 12), ("1A", 7), ("", 5)]
