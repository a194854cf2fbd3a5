"""Which pictograms a draft carries: the set, in the order the teacher tapped them."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import Announcement

# key: the emoji on the teacher's button (the parents get the drawing, never the emoji)
PICTOGRAMS: dict[str, str] = {
    "swimming": "🏊",
    "gym": "👟",
    "fruit": "🍎",
    "lunch": "🥪",
    "noschool": "🏠",
    "pay": "🪙",
    "bring": "🎒",
    "trip": "🚌",
    "meeting": "👥",
    "time": "🕙",
}
NOT_FOR = ("invitation",)  # an invitation has its own picture


def chosen(announcement: Announcement) -> tuple[str, ...]:
    """The announcement's pictograms in the order they were tapped (unknown keys left out)."""
    return tuple(k for k in announcement.pictograms.split(",") if k in PICTOGRAMS)


async def toggle(
    session: AsyncSession, *, announcement_id: int, author_id: int, key: str
) -> Announcement | None:
    """Add the pictogram to the author's draft (at the end), or take it off; None when the draft
    is not theirs, not a draft any more, cannot carry pictograms, or the key is unknown."""
    draft = await own_draft(session, announcement_id=announcement_id, author_id=author_id)
    if draft is None or key not in PICTOGRAMS:
        return None
    keys = list(chosen(draft))
    keys = [k for k in keys if k != key] if key in keys else [*keys, key]
    draft.pictograms = ",".join(keys)
    session.add(draft)
    await session.commit()
    return draft


async def own_draft(
    session: AsyncSession, *, announcement_id: int, author_id: int
) -> Announcement | None:
    """The author's draft that may carry pictograms, else None."""
    draft = await session.get(Announcement, announcement_id)
    if (
        draft is None
        or draft.author_id != author_id
        or draft.status != "draft"
        or draft.kind in NOT_FOR
    ):
        return None
    return draft
