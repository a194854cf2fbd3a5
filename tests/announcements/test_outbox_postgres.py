"""Scaling out on PostgreSQL: two sender processes drain one outbox, and nobody gets a copy twice."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlmodel import select

from bot.announcements.sender import Job, Sender
from bot.core.db import create_engine, session_factory
from bot.demo.school import School
from bot.models import Announcement, AnnouncementStatus, Delivery, DeliveryStatus
from bot.telegram.context import BotData

# several senders need PostgreSQL (SQLite runs one sender)
pytestmark = pytest.mark.postgres
PARENTS = 40


class CountingSender(Sender):
    """A sender that remembers which copies it delivered (to show both did work)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.delivered: list[int] = []

    async def _deliver(self, job: Job) -> Job:
        self.delivered.append(job.delivery.id or 0)
        return await super()._deliver(job)


def second_process(services: BotData) -> BotData:
    """The services of another process: same settings, its own database connections."""
    other = BotData()
    other.__dict__.update(services.__dict__)
    other.engine = create_engine(services.settings.db_url)
    other.sessions = session_factory(other.engine)
    return other


async def test_two_senders_share_the_outbox_without_doubles(school: School) -> None:
    """24 parents, one announcement, two senders started at once: 24 copies, each exactly once."""
    services = school.app.bot_data
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    parents = [await school.parent(f"Ouder {i}", "nl", "1A") for i in range(PARENTS)]
    assert services.sender is not None
    await services.sender.stop()  # from here on, only the two senders below send
    author = await school.member(sofie)
    assert author is not None and author.id is not None
    async with services.sessions() as session:
        from bot.announcements import outbox
        from bot.announcements import service as svc

        draft = await svc.create_draft(
            session, author=author, classes=[await school.class_row("1A")], kind="text",
            text="Morgen is de school dicht.", now=services.clock.now(),
        )  # fmt: skip
        await outbox.confirm(
            session, announcement_id=draft.id or 0, author_id=author.id, now=services.clock.now()
        )
    other = second_process(services)
    first = CountingSender(school.app.bot, services, window=4)  # small windows: they interleave
    second = CountingSender(school.app.bot, other, window=4)
    try:
        await asyncio.gather(first.start(), second.start())
        for parent in parents:
            await parent.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=20)
        await asyncio.wait_for(asyncio.gather(first.idle.wait(), second.idle.wait()), 20)
    finally:
        await asyncio.gather(first.stop(), second.stop())
        await other.engine.dispose()
    copies = Counter(
        p.display_name for p in parents for m in p.messages if "ann:seen:" in str(m.buttons)
    )
    assert set(copies.values()) == {1} and len(copies) == PARENTS
    assert sorted(first.delivered + second.delivered) == sorted(
        set(first.delivered + second.delivered)
    )
    assert first.delivered and second.delivered, "both processes took a share"
    async with services.sessions() as session:
        statuses = set((await session.exec(select(Delivery.status))).all())
        announcement = await session.get(Announcement, draft.id)
    assert statuses == {DeliveryStatus.SENT}
    assert announcement is not None and announcement.status == AnnouncementStatus.SENT
