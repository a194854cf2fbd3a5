"""Human review of machine translations: reviewers per language, requests, the first answer.

A coordinator chooses reviewers among the team and the language buddies. When an announcement
has gone out, the reviewers of each language that got machine translations are asked to check
it; the first approval or correction is kept as the reviewed translation of that text (the
Translator returns it next time, bot/translation/service.py) and every delivered copy in that
language is queued to be edited in place (the outbox's EDIT action).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    Member,
    MemberStatus,
    ReviewedTranslation,
    Reviewer,
    ReviewNotice,
    ReviewRequest,
    Role,
)
from bot.reviews.holding import release
from bot.translation.service import source_hash
from bot.translation.status import DUTCH

OPEN, APPROVED, CORRECTED = "open", "approved", "corrected"
REVIEWABLE = ("text", "photo", "document", "album")  # an invitation's fixed lines are not machine's


async def candidates(session: AsyncSession, *, school_id: int) -> list[Member]:
    """Who may be made a reviewer: the active team members and language buddies, by name."""
    rows = await session.exec(
        select(Member)
        .where(
            Member.school_id == school_id,
            Member.status == MemberStatus.ACTIVE,
            or_(col(Member.role) != Role.PARENT, col(Member.buddy).is_(True)),
        )
        .order_by(col(Member.first_name), col(Member.id))
    )
    return list(rows)


async def add_reviewer(
    session: AsyncSession,
    *,
    school_id: int,
    member_id: int,
    language: str,
    added_by: int,
    now: datetime,
) -> Member | None:
    """Make a team member or buddy reviewer for a language (again: no change); None if they
    may not be one (not in this school, a parent who is no buddy, stopped)."""
    allowed = {m.id: m for m in await candidates(session, school_id=school_id)}
    member = allowed.get(member_id)
    if member is None:
        return None
    exists = await session.exec(
        select(Reviewer.id).where(Reviewer.member_id == member_id, Reviewer.language == language)
    )
    if exists.first() is None:
        session.add(
            Reviewer(school_id=school_id, member_id=member_id, language=language,
                     added_by=added_by, created_at=now)
        )  # fmt: skip
        try:
            await session.commit()
        except IntegrityError:  # the same coordinator pressed twice at once
            await session.rollback()
    return member


async def remove_reviewer(session: AsyncSession, *, reviewer_id: int) -> bool:
    """No longer a reviewer for that language (their reviewed texts stay the school's)."""
    result = await session.exec(delete(Reviewer).where(col(Reviewer.id) == reviewer_id))
    await session.commit()
    return bool(result.rowcount)


async def reviewers(
    session: AsyncSession, *, language: str | None = None
) -> list[tuple[Reviewer, Member]]:
    """The school's reviewers (of one language), with their member rows, by language and name."""
    query = select(Reviewer, Member).join(Member, col(Member.id) == col(Reviewer.member_id))
    if language is not None:
        query = query.where(  # a buddy who stopped volunteering (/buddy) is asked no more
            Reviewer.language == language,
            Member.status == MemberStatus.ACTIVE,
            or_(col(Member.role) != Role.PARENT, col(Member.buddy).is_(True)),
        )
    rows = await session.exec(query.order_by(col(Reviewer.language), col(Member.first_name)))
    return list(rows)


async def reviews_language(session: AsyncSession, *, member_id: int, language: str) -> bool:
    """Whether a member is a reviewer of a language."""
    found = await session.exec(
        select(Reviewer.id).where(Reviewer.member_id == member_id, Reviewer.language == language)
    )
    return found.first() is not None


async def machine_languages(session: AsyncSession, *, announcement: Announcement) -> list[str]:
    """Languages of an announcement's delivered copies that a machine translated, unreviewed."""
    if announcement.kind not in REVIEWABLE or not announcement.text.strip():
        return []
    rows = await session.exec(
        select(Delivery.language)
        .where(
            Delivery.announcement_id == announcement.id,
            Delivery.status == DeliveryStatus.SENT,
            col(Delivery.language) != announcement.language,
            col(Delivery.via).not_in(DUTCH),
            col(Delivery.reviewed).is_(False),
        )
        .distinct()
    )
    return sorted(rows)


async def open_request(
    session: AsyncSession,
    *,
    announcement: Announcement,
    language: str,
    now: datetime,
    release_at: datetime | None = None,
    hold_until: datetime | None = None,
) -> ReviewRequest | None:
    """A new request for one language of an announcement (before sending: its copies wait
    until `hold_until`); None if there was one already."""
    request = ReviewRequest(
        school_id=announcement.school_id, announcement_id=announcement.id or 0, language=language,
        source_hash=source_hash(announcement.text), created_at=now, release_at=release_at,
        hold_until=hold_until,
    )  # fmt: skip
    session.add(request)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return None
    return request


async def remember_notice(
    session: AsyncSession, *, request_id: int, member_id: int, chat_id: int, message_id: int
) -> None:
    """Where a reviewer was shown a request."""
    session.add(
        ReviewNotice(
            request_id=request_id, member_id=member_id, chat_id=chat_id, message_id=message_id
        )
    )
    await session.commit()


@dataclass(frozen=True)
class Decision:
    """What became of a reviewer's answer."""

    outcome: str  # approved | corrected | taken (another reviewer was first) | changed | gone
    request: ReviewRequest | None = None
    announcement: Announcement | None = None
    by: str = ""  # who answered first, when it was someone else


async def decide(
    session: AsyncSession,
    *,
    request_id: int,
    member_id: int,
    machine: str,
    corrected: str | None,
    now: datetime,
) -> Decision:
    """A reviewer approves (`corrected` None) or corrects the machine's text. The first answer
    wins; an announcement changed by its author since the request keeps the machine's words."""
    request = await session.get(ReviewRequest, request_id)
    announcement = await session.get(Announcement, request.announcement_id) if request else None
    live = (AnnouncementStatus.SENDING, AnnouncementStatus.SENT)
    if request is None or announcement is None or announcement.status not in live:
        return Decision("gone")
    if request.status != OPEN:
        first = await session.get(Member, request.decided_by) if request.decided_by else None
        return Decision("taken", request, announcement, by=first.first_name if first else "")
    if source_hash(announcement.text) != request.source_hash:
        return Decision("changed", request, announcement)
    status = CORRECTED if corrected is not None and corrected != machine else APPROVED
    claimed = await session.exec(
        update(ReviewRequest)
        .where(col(ReviewRequest.id) == request_id, col(ReviewRequest.status) == OPEN)
        .values(status=status, decided_by=member_id, decided_at=now)
    )
    if claimed.rowcount != 1:  # another reviewer's answer came in between
        await session.rollback()
        return await decide(session, request_id=request_id, member_id=member_id,
                            machine=machine, corrected=corrected, now=now)  # fmt: skip
    await keep_translation(
        session, announcement=announcement, language=request.language,
        text=corrected if status == CORRECTED and corrected else machine, corrected=status == CORRECTED,
        member_id=member_id, now=now,
    )  # fmt: skip
    await session.commit()
    await session.refresh(request)
    return Decision(status, request, announcement)


async def requeue(session: AsyncSession, *, request: ReviewRequest, now: datetime) -> int:
    """After an answer: the copies waiting for it go, the delivered ones in that language are
    queued to be edited in place (the Translator must have forgotten the machine's text first);
    their number."""
    waiting = await release(session, request=request, now=now)  # asked before sending
    copies = await session.exec(
        update(Delivery)
        .where(
            col(Delivery.announcement_id) == request.announcement_id,
            col(Delivery.language) == request.language,
            col(Delivery.status) == DeliveryStatus.SENT,
            col(Delivery.message_id).is_not(None),
            col(Delivery.via).not_in(DUTCH),
        )
        .values(
            status=DeliveryStatus.PENDING, action=DeliveryAction.EDIT, attempts=0,
            next_attempt_at=now,
        )
    )  # fmt: skip
    await session.commit()
    return (copies.rowcount or 0) + waiting


async def keep_translation(
    session: AsyncSession,
    *,
    announcement: Announcement,
    language: str,
    text: str,
    corrected: bool,
    member_id: int | None,
    now: datetime,
) -> None:
    """Store (or replace) the reviewed translation of the announcement's text (not committed)."""
    digest = source_hash(announcement.text)
    found = await session.exec(
        select(ReviewedTranslation).where(
            ReviewedTranslation.source_hash == digest,
            ReviewedTranslation.source_lang == announcement.language,
            ReviewedTranslation.target_lang == language,
        )
    )
    row = found.first() or ReviewedTranslation(
        source_hash=digest, source_lang=announcement.language, target_lang=language, text=text,
        reviewed_at=now,
    )  # fmt: skip
    row.text, row.corrected, row.reviewed_by, row.reviewed_at = text, corrected, member_id, now
    session.add(row)


async def notices(session: AsyncSession, *, request_id: int) -> list[ReviewNotice]:
    """Where the request was shown (to every reviewer of its language)."""
    rows = await session.exec(select(ReviewNotice).where(ReviewNotice.request_id == request_id))
    return list(rows)


@dataclass(frozen=True)
class LanguageCounts:
    """Delivered copies of one language: machine-translated, reviewed, not translated."""

    machine: int = 0
    reviewed: int = 0
    untranslated: int = 0


async def by_language(
    session: AsyncSession, *, announcement_id: int, source: str
) -> dict[str, LanguageCounts]:
    """Per language, the copies delivered (or being changed): machine-translated and reviewed
    ones by the language they are in, not translated ones (Dutch for want of a model, or the
    engine failed) by the reader's language. Readers of the source language are not counted."""
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            col(Delivery.language), col(Delivery.wanted), col(Delivery.via),
            col(Delivery.reviewed), func.count(),
        )
        .where(
            Delivery.announcement_id == announcement_id,
            or_(col(Delivery.status) == DeliveryStatus.SENT,
                col(Delivery.action) == DeliveryAction.EDIT),
        )
        .group_by(col(Delivery.language), col(Delivery.wanted), col(Delivery.via),
                  col(Delivery.reviewed))
    )  # fmt: skip
    counts: dict[str, list[int]] = {}
    for language, wanted, via, reviewed, count in rows:
        if via in DUTCH:
            counts.setdefault(wanted or language, [0, 0, 0])[2] += count
        elif language != source:
            counts.setdefault(language, [0, 0, 0])[1 if reviewed else 0] += count
    return {lang: LanguageCounts(*c) for lang, c in sorted(counts.items())}


async def languages_of(session: AsyncSession, *, member_id: int) -> list[str]:
    """The languages a member reviews (/mydata)."""
    rows = await session.exec(select(Reviewer.language).where(Reviewer.member_id == member_id))
    return sorted(rows)
