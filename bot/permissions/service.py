"""Permission forms: a yes/no question about each child of a class, answered by any of its
guardians until the deadline (not anonymous), and photo consent kept per child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.absences.marks import guardians_of
from bot.absences.service import child_of
from bot.families.service import Child, children
from bot.models import FormAnswer, Member, PermissionForm, Role

MAX_QUESTION = 500  # Dutch characters; the copies must fit one message in every language


class Outcome(StrEnum):
    """What a guardian's press did."""

    SAVED = "saved"
    CLOSED = "closed"  # after the deadline
    NOT_YOURS = "not_yours"  # not (or no longer) a guardian of this child, or no such form


async def draft(
    session: AsyncSession, *, school_id: int, class_id: int, author_id: int, question: str,
    deadline: datetime, now: datetime,
) -> PermissionForm:  # fmt: skip
    """A form not sent yet (the teacher picks the deadline and whether it is photo consent)."""
    form = PermissionForm(
        school_id=school_id, class_id=class_id, author_id=author_id,
        question=question.strip()[:MAX_QUESTION], deadline=deadline, created_at=now,
    )  # fmt: skip
    session.add(form)
    await session.commit()
    await session.refresh(form)
    return form


async def own_form(
    session: AsyncSession, *, form_id: int, member: Member, drafts: bool | None = None
) -> PermissionForm | None:
    """A form the member wrote (None for someone else's, or a draft / sent one as asked)."""
    form = await session.get(PermissionForm, form_id)
    if form is None or form.author_id != member.id:
        return None
    if drafts is not None and (form.sent_at is None) != drafts:
        return None
    return form


async def readable_form(
    session: AsyncSession, *, form_id: int, member: Member
) -> PermissionForm | None:
    """A sent form whose list the member may see: their own, or any of the school's for the
    office (coordinators); None otherwise."""
    form = await session.get(PermissionForm, form_id)
    if form is None or form.sent_at is None:
        return None
    office = member.role == Role.COORDINATOR and member.school_id == form.school_id
    return form if form.author_id == member.id or office else None


async def change(
    session: AsyncSession, *, form: PermissionForm, deadline: datetime | None = None,
    photo: bool | None = None,
) -> PermissionForm:  # fmt: skip
    """Set a draft's deadline or photo-consent mark."""
    if deadline is not None:
        form.deadline = deadline
    if photo is not None:
        form.photo_consent = photo
    session.add(form)
    await session.commit()
    await session.refresh(form)
    return form


async def recipients(
    session: AsyncSession, *, form: PermissionForm, unanswered: bool = False
) -> list[tuple[Member, Child]]:
    """Each guardian with each of their children in the form's class (unanswered children only)."""
    answered = set(await answered_pupils(session, form_id=form.id or 0)) if unanswered else set()
    out: list[tuple[Member, Child]] = []
    for child in await children(session, class_id=form.class_id):
        if child.pupil_id not in answered:
            out += [(m, child) for m in await guardians_of(session, pupil_id=child.pupil_id)]
    return out


async def mark_sent(session: AsyncSession, *, form: PermissionForm, now: datetime) -> None:
    """The form went out."""
    form.sent_at = now
    session.add(form)
    await session.commit()


async def answered_pupils(session: AsyncSession, *, form_id: int) -> dict[int, bool]:
    """The children answered so far: pupil id -> yes."""
    rows = await session.exec(
        select(FormAnswer.pupil_id, FormAnswer.answer).where(FormAnswer.form_id == form_id)
    )
    return dict(rows.all())


async def answer(
    session: AsyncSession, *, form_id: int, pupil_id: int, member_id: int, yes: bool,
    now: datetime,
) -> Outcome:  # fmt: skip
    """A guardian answers for a child (or changes the family's answer) before the deadline."""
    form = await session.get(PermissionForm, form_id)
    if form is None or form.sent_at is None:
        return Outcome.NOT_YOURS
    child = await child_of(session, member_id=member_id, pupil_id=pupil_id)
    if child is None or child.class_id != form.class_id:
        return Outcome.NOT_YOURS
    if now >= form.deadline:
        return Outcome.CLOSED
    for _ in range(2):  # two guardians at once: the second one updates the first one's row
        found = await session.exec(
            select(FormAnswer).where(FormAnswer.form_id == form_id, FormAnswer.pupil_id == pupil_id)
        )
        row = found.first() or FormAnswer(
            form_id=form_id, pupil_id=pupil_id, answer=yes, answered_at=now
        )
        row.answer, row.member_id, row.answered_at = yes, member_id, now
        session.add(row)
        try:
            await session.commit()
            return Outcome.SAVED
        except IntegrityError:
            await session.rollback()
    return Outcome.SAVED


@dataclass(frozen=True)
class Line:
    """One child on the teacher's list."""

    child: Child
    answer: bool | None  # None: not answered yet


async def status(session: AsyncSession, *, form: PermissionForm) -> list[Line]:
    """Yes / no / not yet for each child of the class."""
    given = await answered_pupils(session, form_id=form.id or 0)
    return [Line(c, given.get(c.pupil_id)) for c in await children(session, class_id=form.class_id)]


async def recent(
    session: AsyncSession, *, school_id: int, author_id: int | None, since: datetime,
    limit: int = 5,
) -> list[PermissionForm]:  # fmt: skip
    """A member's sent forms (every sent form of the school for author None) whose deadline is
    after `since`, newest first."""
    mine = PermissionForm.author_id == author_id if author_id is not None else True
    rows = await session.exec(
        select(PermissionForm)
        .where(
            PermissionForm.school_id == school_id,
            mine,
            col(PermissionForm.sent_at).is_not(None),
            PermissionForm.deadline > since,
        )
        .order_by(col(PermissionForm.id).desc())
        .limit(limit)
    )
    return list(rows)


async def to_remind(session: AsyncSession, *, school_id: int, now: datetime) -> list[PermissionForm]:  # fmt: skip
    """Sent forms still open whose one reminder has not gone out."""
    rows = await session.exec(
        select(PermissionForm).where(
            PermissionForm.school_id == school_id,
            col(PermissionForm.sent_at).is_not(None),
            col(PermissionForm.reminded_at).is_(None),
            PermissionForm.deadline > now,
        )
    )
    return list(rows)


async def claim_reminder(session: AsyncSession, *, form_id: int, now: datetime) -> PermissionForm | None:  # fmt: skip
    """Take a form's one reminder (None if it went out already or the form closed)."""
    form = await session.get(PermissionForm, form_id)
    if form is None or form.reminded_at is not None or form.deadline <= now:
        return None
    form.reminded_at = now
    session.add(form)
    await session.commit()
    await session.refresh(form)
    return form


async def without_photo_consent(session: AsyncSession, *, class_ids: list[int]) -> list[Child]:
    """Children of these classes whose latest photo-consent answer is not yes (or who have none);
    nothing while the school has sent no photo-consent form."""
    forms = list(
        await session.exec(
            select(PermissionForm.id).where(
                col(PermissionForm.photo_consent).is_(True),
                col(PermissionForm.sent_at).is_not(None),
            )
        )
    )
    if not forms:  # the school never asked: nothing is known, nothing to remind of
        return []
    latest: dict[int, tuple[datetime, bool]] = {}
    if forms:
        rows = await session.exec(
            select(FormAnswer.pupil_id, FormAnswer.answered_at, FormAnswer.answer).where(
                col(FormAnswer.form_id).in_(forms)
            )
        )
        for pupil, when, yes in rows:
            if pupil not in latest or when > latest[pupil][0]:
                latest[pupil] = (when, yes)
    out: list[Child] = []
    for class_id in class_ids:
        kids = await children(session, class_id=class_id)
        out += [c for c in kids if not latest.get(c.pupil_id, (None, False))[1]]
    return out
