"""The lease of a school in the database (SQLite file, or PostgreSQL with TEST_DATABASE_URL):
one owner at a time, renewed only by the owner of the epoch it got, free once it ran out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.cluster import leases
from bot.core.clock import ManualClock
from bot.core.db import SessionFactory, create_engine
from tests.conftest import START

LEASE = 15.0
A, B = "host-a:101:aaaaaa", "host-b:202:bbbbbb"


async def test_one_owner_at_a_time_and_only_the_owner_renews(sessions: SessionFactory) -> None:
    """A takes school s1; B cannot take it nor renew it; A renews with its epoch and gives it
    back; B may take it a second later."""
    async with sessions() as session:
        await leases.ensure_leases(session, keys=["s1", "s2"])
        await leases.ensure_leases(session, keys=["s1", "s2"])  # a second process: no error
        assert await leases.lease_table(session) == {"s1": (None, 0), "s2": (None, 0)}
        assert await leases.free_leases(session, keys=["s1", "s2"], now=START) == {
            "s1": None,
            "s2": None,
        }
        epoch = await leases.acquire(
            session, key="s1", process_id=A, now=START, lease_seconds=LEASE
        )
        assert epoch == 1
        assert await leases.acquire(
            session, key="s1", process_id=B, now=START, lease_seconds=LEASE
        ) is None  # fmt: skip
        assert await leases.free_leases(session, keys=["s1", "s2"], now=START) == {"s2": None}
        later = START + timedelta(seconds=10)
        assert await leases.renew(
            session, held={"s1": 1}, process_id=B, now=later, lease_seconds=LEASE
        ) == set()  # fmt: skip
        assert await leases.renew(
            session, held={"s1": 1}, process_id=A, now=later, lease_seconds=LEASE
        ) == {"s1"}  # fmt: skip
        # Renewed at +10 s: still A's at +20 s, when the first lease would have run out.
        assert await leases.acquire(
            session, key="s1", process_id=B, now=START + timedelta(seconds=20), lease_seconds=LEASE
        ) is None  # fmt: skip
        assert not await leases.release(session, key="s1", epoch=1, process_id=B, now=later)
        assert await leases.release(session, key="s1", epoch=1, process_id=A, now=later)
        assert await leases.lease_table(session) == {"s1": (None, 1), "s2": (None, 0)}
        # Nobody sends for the bot during the second after a release (Telegram counts per second).
        assert await leases.free_leases(session, keys=["s1"], now=later) == {}
        assert await leases.acquire(
            session, key="s1", process_id=B, now=later, lease_seconds=LEASE
        ) is None  # fmt: skip
        a_second_later = later + timedelta(seconds=1.1)
        assert await leases.free_leases(session, keys=["s1"], now=a_second_later) == {"s1": None}
        assert await leases.acquire(
            session, key="s1", process_id=B, now=a_second_later, lease_seconds=LEASE
        ) == 2  # fmt: skip


async def test_a_lease_that_ran_out_is_taken_over_and_the_old_epoch_is_fenced(
    sessions: SessionFactory,
) -> None:
    """A stops renewing: after `lease_seconds` B takes over (epoch 2); A's late renew fails."""
    async with sessions() as session:
        await leases.ensure_leases(session, keys=["s1"])
        assert await leases.acquire(
            session, key="s1", process_id=A, now=START, lease_seconds=LEASE
        ) == 1  # fmt: skip
        almost = START + timedelta(seconds=LEASE - 0.5)
        assert await leases.free_leases(session, keys=["s1"], now=almost) == {}
        after = START + timedelta(seconds=LEASE + 0.5)
        assert await leases.free_leases(session, keys=["s1"], now=after) == {"s1": A}
        assert await leases.acquire(
            session, key="s1", process_id=B, now=after, lease_seconds=LEASE
        ) == 2  # fmt: skip
        # A wakes up: its epoch is gone, so it learns it lost the school.
        assert await leases.renew(
            session, held={"s1": 1}, process_id=A, now=after, lease_seconds=LEASE
        ) == set()  # fmt: skip
        assert not await leases.release(session, key="s1", epoch=1, process_id=A, now=after)
        assert await leases.lease_table(session) == {"s1": (B, 2)}
        # Even the same process id with a stale epoch cannot renew (it re-acquired meanwhile).
        assert await leases.renew(
            session, held={"s1": 1}, process_id=B, now=after, lease_seconds=LEASE
        ) == set()  # fmt: skip


async def test_processes_are_live_while_they_beat_and_not_once_they_leave(
    sessions: SessionFactory,
) -> None:
    """Heartbeats make a process live for `lease_seconds`; leaving or silence ends it."""
    async with sessions() as session:
        await leases.heartbeat(session, process_id=A, address=None, now=START)
        await leases.heartbeat(session, process_id=B, address="http://b:8080", now=START)
        assert await leases.live_processes(session, now=START, lease_seconds=LEASE) == [A, B]
        later = START + timedelta(seconds=LEASE + 1)
        await leases.heartbeat(session, process_id=B, address="http://b:8080", now=later)
        assert await leases.live_processes(session, now=later, lease_seconds=LEASE) == [B]
        await leases.leaving(session, process_id=B)
        assert await leases.live_processes(session, now=later, lease_seconds=LEASE) == []
        assert await leases.forget_old_processes(session, now=later + timedelta(hours=2)) == 2


async def test_the_time_is_the_databases(sessions: SessionFactory, db_url: str) -> None:
    """PostgreSQL's own clock on PostgreSQL (machines' clocks do not matter); else the clock."""
    clock = ManualClock(START)
    async with sessions() as session:
        now = await leases.database_now(session, clock=clock)
    if db_url.startswith("postgresql"):
        assert now.tzinfo is not None and abs((now - START).total_seconds()) > 3600
    else:
        assert now == START


@pytest.mark.postgres
async def test_three_processes_starting_at_once_migrate_the_database_once(db_url: str) -> None:
    """Three processes migrate an empty PostgreSQL database at the same moment: one migrates,
    the others wait for its advisory lock and find the schema up to date; none fails on a
    table created twice."""
    import asyncio
    import sys

    from sqlalchemy import text

    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        code = f"from bot.core.migrate import upgrade; upgrade({db_url!r})"
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", code,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            )
            for _ in range(3)
        ]  # fmt: skip
        outputs = [(await p.communicate())[0].decode()[-800:] for p in processes]
        assert [p.returncode for p in processes] == [0, 0, 0], outputs
        async with engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        assert version == [("0019",)]
    finally:
        await engine.dispose()
