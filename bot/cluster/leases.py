"""Leases: which process owns which school's bot, in the database every process shares.

A lease row per school (`school_lease`): `owner` (a process id), `expires_at` and `epoch`, the
fencing token that grows at every new owner. Every write is one guarded statement, so two
processes can never both believe they won the same school:

- `acquire` takes a free lease (no owner, or expired) and adds 1 to its epoch;
- `renew` pushes `expires_at` on only where owner AND epoch are still the ones this process got
  (an owner that was too late finds its epoch gone and learns it lost the school);
- `release` gives a lease back (owner NULL), again only with the right epoch; the next owner
  may take it one second later (`QUIET`), so the seconds of Telegram's budget of the two owners
  never overlap (a fresh pacer may send a second's worth at once).

Time is the database's (`database_now`): PostgreSQL's `clock_timestamp()`, so the clocks of the
machines do not matter; on SQLite (one machine) the injected clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, text, tuple_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.models import ClusterProcess, SchoolLease

FORGET_AFTER = timedelta(hours=1)  # a process not seen for so long is removed from the list
QUIET = timedelta(seconds=1)  # after a release nobody sends for the bot: Telegram counts per second


async def database_now(session: AsyncSession, *, clock: Clock) -> datetime:
    """The time every process agrees on: PostgreSQL's clock, or `clock` on SQLite."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        value = (await session.exec(text("SELECT clock_timestamp()"))).one()  # type: ignore[call-overload]
        moment: datetime = value[0]
        return moment
    return clock.now()


async def ensure_leases(session: AsyncSession, *, keys: Sequence[str]) -> None:
    """A lease row for every school that has none yet (no owner, free)."""
    known = set((await session.exec(select(SchoolLease.school_key))).all())
    missing = [key for key in keys if key not in known]
    if not missing:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    rows = [{"school_key": key, "epoch": 0} for key in missing]
    await session.exec(upsert(SchoolLease).values(rows).on_conflict_do_nothing())  # type: ignore[call-overload]
    await session.commit()


async def heartbeat(
    session: AsyncSession, *, process_id: str, address: str | None, now: datetime
) -> None:
    """This process is alive (its row is created at the first beat)."""
    found = await session.exec(
        update(ClusterProcess)
        .where(col(ClusterProcess.id) == process_id)
        .values(seen_at=now, address=address)
    )
    if found.rowcount == 0:
        await session.exec(
            insert(ClusterProcess).values(
                id=process_id, address=address, started_at=now, seen_at=now, stopping=False
            )
        )
    await session.commit()


async def live_processes(
    session: AsyncSession, *, now: datetime, lease_seconds: float
) -> list[str]:
    """The processes seen within `lease_seconds` that are not leaving, oldest first."""
    since = now - timedelta(seconds=lease_seconds)
    rows = await session.exec(
        select(ClusterProcess.id)
        .where(col(ClusterProcess.seen_at) >= since, col(ClusterProcess.stopping).is_(False))
        .order_by(col(ClusterProcess.started_at), col(ClusterProcess.id))
    )
    return list(rows.all())


async def leaving(session: AsyncSession, *, process_id: str) -> None:
    """This process stops: it takes no more schools and is no longer counted."""
    await session.exec(
        update(ClusterProcess).where(col(ClusterProcess.id) == process_id).values(stopping=True)
    )
    await session.commit()


async def forget_old_processes(session: AsyncSession, *, now: datetime) -> int:
    """Remove processes not seen for an hour (dead or stopped long ago); how many."""
    gone = await session.exec(
        delete(ClusterProcess).where(col(ClusterProcess.seen_at) < now - FORGET_AFTER)
    )
    await session.commit()
    return int(gone.rowcount)


async def free_leases(
    session: AsyncSession, *, keys: Sequence[str], now: datetime
) -> dict[str, str | None]:
    """The schools among `keys` nobody holds (never taken, run out, or released a second
    ago at least) -> their last owner."""
    rows = await session.exec(
        select(SchoolLease.school_key, SchoolLease.owner)
        .where(col(SchoolLease.school_key).in_(list(keys)))
        .where(_free(now))
        .order_by(col(SchoolLease.school_key))
    )
    return {key: owner for key, owner in rows.all()}


async def acquire(
    session: AsyncSession, *, key: str, process_id: str, now: datetime, lease_seconds: float
) -> int | None:
    """Take the school's lease if it is free; the new epoch, or None when someone holds it."""
    row = (
        await session.exec(select(SchoolLease.epoch).where(col(SchoolLease.school_key) == key))
    ).first()
    if row is None:
        return None
    taken = await session.exec(
        update(SchoolLease)
        .where(
            col(SchoolLease.school_key) == key,
            col(SchoolLease.epoch) == row,
            _free(now),
        )
        .values(
            owner=process_id,
            epoch=row + 1,
            expires_at=now + timedelta(seconds=lease_seconds),
            acquired_at=now,
        )
    )
    await session.commit()
    return row + 1 if taken.rowcount == 1 else None


async def renew(
    session: AsyncSession,
    *,
    held: dict[str, int],
    process_id: str,
    now: datetime,
    lease_seconds: float,
) -> set[str]:
    """Extend every lease held (key -> epoch) still ours; the keys renewed (the rest are lost)."""
    if not held:
        return set()
    result = await session.exec(
        update(SchoolLease)
        .where(
            col(SchoolLease.owner) == process_id,
            tuple_(col(SchoolLease.school_key), col(SchoolLease.epoch)).in_(list(held.items())),
        )
        .values(expires_at=now + timedelta(seconds=lease_seconds))
        .returning(col(SchoolLease.school_key))
    )
    renewed = {str(key) for (key,) in result.all()}
    await session.commit()
    return renewed


async def release(
    session: AsyncSession, *, key: str, epoch: int, process_id: str, now: datetime
) -> bool:
    """Give the school back (only with the epoch we got; free `QUIET` later); whether it was
    still ours. Call it once the school's bot stopped fully."""
    done = await session.exec(
        update(SchoolLease)
        .where(
            col(SchoolLease.school_key) == key,
            col(SchoolLease.owner) == process_id,
            col(SchoolLease.epoch) == epoch,
        )
        .values(owner=None, expires_at=now + QUIET)
    )
    await session.commit()
    return bool(done.rowcount == 1)


def _free(now: datetime) -> Any:
    """A lease nobody holds: never taken, or its time (a holder's, or the quiet second) is over."""
    return col(SchoolLease.expires_at).is_(None) | (col(SchoolLease.expires_at) < now)


async def lease_table(session: AsyncSession) -> dict[str, tuple[str | None, int]]:
    """school key -> (owner, epoch), for reports and tests."""
    rows = await session.exec(select(SchoolLease.school_key, SchoolLease.owner, SchoolLease.epoch))
    return {key: (owner, epoch) for key, owner, epoch in rows.all()}
