"""On PostgreSQL, the heap order (ctid) and the writing transaction (xmin) of anonymous rows tell
batches of k respondents apart, never the order in which parents answered within one; at closing
the poll's rows are rewritten in random order by one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.demo.school import School
from bot.models import Member
from bot.polls.anonymity import participation_key
from tests.helpers.polls import Pick, answer, launch

# ctid and xmin are PostgreSQL's (SQLite keeps these tables in random-key order)
pytestmark = pytest.mark.postgres
FAMILIES = [("Amina", "ar"), ("Mehmet", "tr"), ("Kasia", "pl"), ("Tom", "nl"), ("Hodan", "so"),
            ("Olena", "uk"), ("Ion", "ro"), ("Fatima", "fr")]  # fmt: skip
PICKS: list[Pick] = [["language"], "often", ["interpreter"]]


async def order_of(school: School, column: str) -> list[str]:
    """Response ids in the order the database holds them by `column` (ctid or xmin)."""
    key = "ctid" if column == "ctid" else "xmin::text::bigint"
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(text(f"SELECT id FROM poll_response ORDER BY {key}"))  # type: ignore[call-overload]
        return [r[0] for r in rows]


async def xmins(school: School, table: str) -> set[str]:
    """The transaction ids that wrote a table's live rows."""
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(text(f"SELECT DISTINCT xmin::text FROM {table}"))  # type: ignore[call-overload]
        return {r[0] for r in rows}


async def test_closing_a_poll_leaves_no_trace_of_who_answered_first(school: School) -> None:
    """Eight parents answer one after the other. While the poll is open their responses are
    published in one batch of five (k), written by one transaction in random heap order, so
    ctid and xmin tell the batch, not the order of answering; the other three wait. Once it
    closes every anonymous row has been rewritten in one transaction, in random order: one xmin
    for all of them, shared with no participation record."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    parents = [(await school.parent(name, lang, "1A"), lang) for name, lang in FAMILIES]
    poll_id = await launch(school, sofie, "barriers", parents=len(FAMILIES))
    batches: list[set[str]] = []
    seen: set[str] = set()
    for parent, lang in parents:
        done = await answer(school, parent, lang, poll_id, PICKS)
        await parent.wait_for(lambda u: done.text.startswith("🙏"))
        now = set(await order_of(school, "ctid"))
        if now != seen:
            batches.append(now - seen)
            seen = now
    assert [len(b) for b in batches] == [5]  # the first five together; three wait for closing
    assert len(await xmins(school, "poll_response")) == 1  # one transaction wrote the batch

    closing = await sofie.press_data(f"pz:{poll_id}")  # close now
    await sofie.wait_callback_answer(closing)
    async with school.app.bot_data.sessions() as session:
        status = await session.exec(text(f"SELECT status FROM poll WHERE id = {poll_id}"))  # type: ignore[call-overload]
        assert status.one()[0] == "closed"

    shuffled = await order_of(school, "ctid")
    assert len(shuffled) == 8 and seen < set(shuffled)  # nothing lost
    one = await xmins(school, "poll_response") | await xmins(school, "poll_answer")
    assert len(one) == 1  # every anonymous row written by the same (rewriting) transaction
    assert not one & await xmins(school, "poll_participation")
    # The participation records still hold no answer and need the secret to name a person.
    data = school.app.bot_data
    async with data.sessions() as session:
        people = list(await session.exec(select(Member).where(Member.role == "parent")))
        keys = {r[0] for r in await session.exec(text("SELECT key FROM poll_participation"))}  # type: ignore[call-overload]
    assert {participation_key(data.poll_secret, poll_id, m.telegram_id) for m in people} == keys
    assert not {str(m.telegram_id) for m in people} & keys
