"""Story helpers for polls (shared with the demo: bot/demo/polls.py), and polls filled in directly."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from bot.core.i18n import Catalogs
from bot.core.settings import project_root
from bot.demo.polls import Pick, adapt, answer, has_data, invitation, launch, type_text
from bot.models import Member, Poll, PollStatus
from bot.polls import batches
from bot.polls import service as svc
from bot.polls.coarsen import POOL, Shown
from bot.polls.flows import load_flows
from tests.conftest import START

__all__ = [
    "CATALOGS",
    "FLOWS",
    "Pick",
    "adapt",
    "answer",
    "has_data",
    "invitation",
    "launch",
    "make_poll",
    "publish",
    "respond",
    "type_text",
]

CATALOGS = Catalogs.load(project_root() / "locales")
FLOWS = load_flows(project_root() / "flows", languages=CATALOGS.languages)
_keys = itertools.count(1)


async def make_poll(session, school_id: int, class_ids: list[int]) -> Poll:  # type: ignore[no-untyped-def]
    """An open "barriers" poll of the school for these classes, by a new coordinator."""
    author = Member(
        school_id=school_id, telegram_id=1, chat_id=1, role="coordinator", created_at=START
    )
    session.add(author)
    await session.commit()
    poll = await svc.create_draft(
        session, school_id=school_id, author=author, flow=FLOWS["barriers"], class_ids=class_ids,
        closes_at=START + timedelta(days=7), now=START,
    )  # fmt: skip
    # As if launched to k or more guardians of each class in every language: classes and
    # languages are stored (bot/polls/coarsen.py); answers still wait for batches of 5.
    every = frozenset(CATALOGS.languages)
    shown = Shown(frozenset(class_ids), {c: every for c in [*class_ids, POOL]})
    poll.status, poll.opened_at, poll.batch, poll.shown = PollStatus.OPEN, START, 5, shown.dump()
    session.add(poll)
    await session.commit()
    return poll


async def publish(session, poll: Poll) -> None:  # type: ignore[no-untyped-def]
    """Every answer held back is published, as at closing (bot/polls/batches.py)."""
    await batches.publish(session, poll_id=poll.id or 0, day=START.date(), everything=True)
    await session.commit()


async def respond(
    session, poll: Poll, class_id: int | None, picks: dict[str, svc.Given | None]
) -> None:  # type: ignore[no-untyped-def]
    """One parent answers every question of the "barriers" poll with these picks (None: skipped)."""
    key = f"k{next(_keys)}"
    await svc.begin(session, poll=poll, key=key)
    response = None
    flow = FLOWS["barriers"]
    for index, q in enumerate(flow.questions):
        ok, response = await svc.advance(
            session, poll=poll, key=key, index=index, total=len(flow.questions), question_id=q.id,
            given=picks.get(q.id), response_id=response, class_id=class_id, day=date(2026, 11, 23),
        )  # fmt: skip
        assert ok
