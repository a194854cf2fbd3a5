"""Per language, how many parents of a school use it and how many asked for read-aloud."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, cast, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import Member
from bot.models.school import MemberStatus, Role


@dataclass(frozen=True)
class LanguageParents:
    """Parents (active members) with this language, and those among them who want voice."""

    parents: int
    read_aloud: int


async def parents_by_language(
    session: AsyncSession, *, school_id: int
) -> dict[str, LanguageParents]:
    """Language code -> counts, for the school's active parents who chose a language."""
    rows = await session.exec(
        select(
            Member.language,
            func.count(),
            func.sum(cast(col(Member.read_aloud), Integer)),
        )
        .where(
            Member.school_id == school_id,
            Member.role == Role.PARENT,
            Member.status == MemberStatus.ACTIVE,
            col(Member.language).is_not(None),
        )
        .group_by(col(Member.language))
    )
    return {str(code): LanguageParents(int(n), int(voiced or 0)) for code, n, voiced in rows}
