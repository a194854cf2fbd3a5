"""The webhook's inbox in the database (SQLite file, or PostgreSQL with TEST_DATABASE_URL): an
update stored once whatever the repeats, read back in order by its owner, emptied once handled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.cluster import inbox
from bot.core.db import SessionFactory, create_engine, session_factory
from bot.models import WebhookUpdate
from tests.conftest import START


def message(update_id: int, chat: int, text: str) -> dict[str, Any]:
    """A message update as Telegram posts it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "Amina"},
            "text": text,
        },
    }


async def store(sessions: SessionFactory, school: str, update: dict[str, Any]) -> bool:
    async with sessions() as session:
        return await inbox.store_update(session, school_key=school, update=update, now=START)


async def waiting(
    sessions: SessionFactory, *schools: str, skip: dict[str, set[int]] | None = None
) -> list[inbox.Waiting]:
    async with sessions() as session:
        return await inbox.waiting_updates(session, school_keys=schools, skip=skip)


async def test_a_repeat_is_stored_once_also_after_a_restart(
    sessions: SessionFactory, fresh_db: str
) -> None:
    """Telegram posts update 7 twice, then again after the process restarted: one row."""
    update = message(7, 501, "Goedemorgen")
    assert await store(sessions, "noord", update) is True
    assert await store(sessions, "noord", update) is False
    restarted = create_engine(fresh_db)
    try:
        assert await store(session_factory(restarted), "noord", update) is False
    finally:
        await restarted.dispose()
    assert await store(sessions, "zuid", update) is True, "another school's bot: its own ids"
    rows = await waiting(sessions, "noord")
    assert [(w.school_key, w.update_id) for w in rows] == [("noord", 7)]
    assert '"Goedemorgen"' in rows[0].payload


async def test_updates_posted_at_once_are_stored_together_each_once(
    sessions: SessionFactory,
) -> None:
    """A group commit of five posts, one of them twice: the new ones are said, once each."""
    batch = [("noord", message(5, 501, "a")), ("noord", message(5, 501, "a"))]
    batch += [("noord", message(6, 501, "b")), ("zuid", message(5, 777, "c"))]
    async with sessions() as session:
        new = await inbox.store_updates(session, updates=batch, now=START)
    assert new == {("noord", 5), ("noord", 6), ("zuid", 5)}
    async with sessions() as session:
        again = [("noord", message(6, 501, "b")), ("noord", message(7, 501, "d"))]
        assert await inbox.store_updates(session, updates=again, now=START) == {("noord", 7)}
    assert [w.update_id for w in await waiting(sessions, "noord")] == [5, 6, 7]


async def test_the_owner_reads_each_schools_updates_in_order_and_skips_those_in_flight(
    sessions: SessionFactory,
) -> None:
    """Updates arrive out of order at two processes; the owner reads them by id, per school."""
    for uid in (12, 10, 11):
        await store(sessions, "noord", message(uid, 501, f"bericht {uid}"))
    await store(sessions, "zuid", message(3, 777, "hallo"))
    await store(sessions, "west", message(1, 888, "niet van ons"))
    rows = await waiting(sessions, "noord", "zuid")
    assert [(w.school_key, w.update_id) for w in rows] == [
        ("noord", 10), ("noord", 11), ("noord", 12), ("zuid", 3),
    ]  # fmt: skip
    rows = await waiting(sessions, "noord", "zuid", skip={"noord": {10, 11}, "zuid": {3}})
    assert [w.update_id for w in rows] == [12]
    async with sessions() as session:
        assert await inbox.waiting_updates(session, school_keys=[]) == []


async def test_a_handled_update_keeps_its_id_only_and_is_never_read_again(
    sessions: SessionFactory,
) -> None:
    """Once the bot finished update 10 its words are gone; a repeat of it is still a repeat."""
    await store(sessions, "noord", message(10, 501, "Mijn zoon is ziek"))
    await store(sessions, "noord", message(11, 501, "Tot morgen"))
    async with sessions() as session:
        marked = await inbox.mark_handled(
            session, school_key="noord", update_ids={10}, now=START + timedelta(seconds=1)
        )
    assert marked == 1
    async with sessions() as session:
        row = await session.get(WebhookUpdate, ("noord", 10))
        assert row is not None and row.handled_at is not None
        assert row.payload is None and row.chat_id is None, "nothing of the person is left"
    assert [w.update_id for w in await waiting(sessions, "noord")] == [11]
    assert await store(sessions, "noord", message(10, 501, "Mijn zoon is ziek")) is False
    assert [w.update_id for w in await waiting(sessions, "noord")] == [11]


async def test_a_week_later_handled_rows_and_rows_never_handled_are_purged(
    sessions: SessionFactory,
) -> None:
    """Rows handled before the limit go, and a row never handled that arrived before it (its
    school's bot runs nowhere any more); newer rows stay, handled or not."""
    for uid in (1, 2, 4):
        await store(sessions, "noord", message(uid, 501, "x"))
    async with sessions() as session:
        await inbox.store_update(
            session, school_key="noord", update=message(3, 501, "x"), now=START + timedelta(days=2)
        )
        await inbox.mark_handled(session, school_key="noord", update_ids={1}, now=START)
        await inbox.mark_handled(
            session, school_key="noord", update_ids={2}, now=START + timedelta(days=3)
        )
        purged = await inbox.purge_handled(session, before=START + timedelta(days=1))
    assert purged == 2
    async with sessions() as session:
        assert await session.get(WebhookUpdate, ("noord", 1)) is None
        assert await session.get(WebhookUpdate, ("noord", 4)) is None
        assert await session.get(WebhookUpdate, ("noord", 2)) is not None
    assert [w.update_id for w in await waiting(sessions, "noord")] == [3]


def test_the_chat_of_an_update() -> None:
    """A message's chat, a pressed button's message's chat, nothing for other kinds."""
    assert inbox.chat_of(message(1, 501, "x")) == 501
    press = {"update_id": 2, "callback_query": {"id": "1", "message": {"chat": {"id": -5}}}}
    assert inbox.chat_of(press) == -5
    assert inbox.chat_of({"update_id": 3, "poll": {"id": "9"}}) is None
