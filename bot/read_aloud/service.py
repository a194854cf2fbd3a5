"""Who hears the school's messages read aloud, and in which language (plain values in and out)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import Delivery, Member, MemberStatus

WANTED, SENDING, SENT, NONE, FAILED = "wanted", "sending", "sent", "none", "failed"


async def set_read_aloud(session: AsyncSession, *, member: Member, on: bool) -> Member:
    """Turn the member's read-aloud on or off; the member as stored."""
    member.read_aloud = on
    session.add(member)
    await session.commit()
    return member


async def voice_again(session: AsyncSession, *, delivery_ids: list[int]) -> None:
    """These copies were edited: those that had a voice message get a new one (the old one is
    deleted when the new one is made: bot/read_aloud/voice_sender.py)."""
    if delivery_ids:
        await session.exec(
            update(Delivery)
            .where(col(Delivery.id).in_(delivery_ids), col(Delivery.voice) == SENT)
            .values(voice=WANTED)
        )
        await session.commit()


def voice_language(*, own: str | None, second: str | None, copy_language: str | None) -> str | None:
    """The language to read a copy aloud in: the copy's own, when it is one the parent chose (their
    language or their second one); None when the copy fell back to a language they did not pick
    (then a voice would only read aloud what they cannot follow either)."""
    if copy_language is None or copy_language not in {own, second}:
        return None
    return copy_language


def listens(member: Member) -> bool:
    """Whether voice messages go to this member now."""
    return member.read_aloud and member.status == MemberStatus.ACTIVE
