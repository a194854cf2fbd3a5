"""A parent's own words awaited after "Something else", remembered without saying who writes.

The row survives a restart, so the words still go into the poll (anonymously) and never into
the team's named inbox. Its key is HMAC(server secret, chat + member): without the secret,
which is never in the database, a row cannot be tied to anyone; a new member row (after
/forget and joining again) has another key. It holds the poll, the question and the options
ticked before, and is deleted as soon as the parent leaves the step: the words arrive, Skip,
Stop, a command (/cancel), any other button, or the poll closes (the day after it closes at the
latest). The key can be computed again from the chat and member at any time, so leaving needs
no memory of its own.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import Poll, PollWriting


def writing_key(secret: bytes, *, chat_id: int, member_id: int) -> str:
    """HMAC-SHA256 of (chat, member) under the server secret, as hex (not a participation key)."""
    message = f"writing:chat:{chat_id}:member:{member_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def expiry(poll: Poll) -> date:
    """The day after the poll closes: the row means nothing after that."""
    return poll.closes_at.date() + timedelta(days=1)


async def expect(
    session: AsyncSession, *, key: str, poll: Poll, question: int, chosen: tuple[str, ...],
    today: date,
) -> None:  # fmt: skip
    """Remember that this person's words answer `question` of `poll` (one such row per person)."""
    await session.exec(delete(PollWriting).where(col(PollWriting.expires) < today))  # type: ignore[call-overload]
    row = await session.get(PollWriting, key)
    if row is None:
        row = PollWriting(key=key, poll_id=poll.id or 0, expires=expiry(poll))
    row.poll_id, row.question, row.chosen = poll.id or 0, question, ",".join(chosen)
    row.expires = expiry(poll)
    session.add(row)
    await session.commit()


async def awaited(session: AsyncSession, *, key: str, today: date) -> PollWriting | None:
    """What this person's words would answer, if they are awaited (and not expired)."""
    row = await session.get(PollWriting, key)
    return row if row is not None and row.expires >= today else None


async def forget(session: AsyncSession, *, key: str) -> bool:
    """The words are no longer awaited (they arrived, Skip, Stop, /cancel, another button);
    True if a row went. Reads first: most people have no row, and a read takes no write lock."""
    if await session.get(PollWriting, key) is None:
        return False
    result = await session.exec(delete(PollWriting).where(col(PollWriting.key) == key))  # type: ignore[call-overload]
    await session.commit()
    return bool(result.rowcount)


async def forget_poll(session: AsyncSession, *, poll_id: int) -> int:
    """The poll closed: no words are awaited for it any more (not committed)."""
    result = await session.exec(delete(PollWriting).where(col(PollWriting.poll_id) == poll_id))  # type: ignore[call-overload]
    return int(result.rowcount or 0)


def chosen_of(row: PollWriting) -> tuple[str, ...]:
    """The options ticked before "Something else"."""
    return tuple(o for o in row.chosen.split(",") if o)
