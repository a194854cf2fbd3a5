"""What /mydata shows of a guardian's family links: whose parent they are, how that was decided,
and the requests still waiting for (or refused by) a teacher, with what they typed in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.families.service import children
from bot.models import (
    Absence,
    AbsenceSource,
    FormAnswer,
    Guardian,
    JoinRequest,
    LinkStatus,
    Member,
    PermissionForm,
    Pupil,
    SchoolClass,
)


@dataclass(frozen=True)
class FamilyLink:
    """One family a member is linked to (or claims to be): its children's labels, the role, how."""

    children: list[str]  # "Adam B. (1A)"
    role: str  # GuardianRole value
    via: str  # LinkVia value
    status: str  # LinkStatus value


@dataclass(frozen=True)
class Request:
    """A join request: the child as picked (or as typed), its class, the role said, its status."""

    child: str
    class_name: str
    role: str
    status: str


@dataclass(frozen=True)
class Note:
    """An absence note the member reported: the child, the days, the reason, their own words."""

    child: str
    first_day: date
    last_day: date
    reason: str  # AbsenceReason value
    words: str
    voice: bool


@dataclass(frozen=True)
class Reply:
    """A form answer the member gave: the school's Dutch question about the child, yes or no."""

    question: str
    child: str
    yes: bool


@dataclass(frozen=True)
class FamilyData:
    """Everything of the families tables that is about one member."""

    links: list[FamilyLink]
    requests: list[Request]
    active_on: date | None  # the day last seen (the class list shows it to the teachers)
    asked_on: date | None  # an existing member was asked once, after the upgrade, whose parent
    notes: list[Note] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)


async def family_data(session: AsyncSession, *, member: Member) -> FamilyData:
    """A member's family links (any status) and join requests (any status), oldest first."""
    assert member.id is not None
    guardians = list(
        await session.exec(
            select(Guardian).where(Guardian.member_id == member.id).order_by(col(Guardian.id))
        )
    )
    links = []
    for guardian in guardians:
        kids = await children(session, family_ids=[guardian.family_id])
        links.append(
            FamilyLink(
                children=[child.label for child in kids],
                role=guardian.role,
                via=guardian.via,
                status=guardian.status,
            )
        )
    found = await session.exec(
        select(JoinRequest, SchoolClass.name, Pupil)
        .join(SchoolClass, col(SchoolClass.id) == col(JoinRequest.class_id))
        .join(Pupil, col(Pupil.id) == col(JoinRequest.pupil_id), isouter=True)
        .where(JoinRequest.member_id == member.id)
        .order_by(col(JoinRequest.id))
    )
    requests = [
        Request(
            child=f"{pupil.first_name} {pupil.last_initial}".strip()
            if pupil
            else request.typed_name,
            class_name=class_name,
            role=request.role,
            status=request.status,
        )
        for request, class_name, pupil in found
        if request.status != LinkStatus.APPROVED  # an approved one is a link above
    ]
    asked = member.family_asked_at
    return FamilyData(
        links=links,
        requests=requests,
        active_on=member.active_on,
        asked_on=asked.date() if asked is not None else None,
        notes=await _notes(session, member_id=member.id),
        replies=await _replies(session, member_id=member.id),
    )


def _name(pupil: Pupil) -> str:
    return f"{pupil.first_name} {pupil.last_initial}".strip()


async def _notes(session: AsyncSession, *, member_id: int) -> list[Note]:
    """The absence notes the member reported (or answered, for a teacher's mark), oldest first."""
    found = await session.exec(
        select(Absence, Pupil)
        .join(Pupil, col(Pupil.id) == col(Absence.pupil_id))
        .where(
            (col(Absence.reported_by) == member_id)
            | ((col(Absence.answered_by) == member_id) & (Absence.source == AbsenceSource.TEACHER))
        )
        .order_by(col(Absence.first_day), col(Absence.id))
    )
    return [
        Note(_name(pupil), a.first_day, a.last_day, a.reason, a.note, a.voice_file_id is not None)
        for a, pupil in found
    ]


async def _replies(session: AsyncSession, *, member_id: int) -> list[Reply]:
    """The form answers the member gave (the last word on each child's form is theirs)."""
    found = await session.exec(
        select(FormAnswer, PermissionForm, Pupil)
        .join(PermissionForm, col(PermissionForm.id) == col(FormAnswer.form_id))
        .join(Pupil, col(Pupil.id) == col(FormAnswer.pupil_id))
        .where(FormAnswer.member_id == member_id)
        .order_by(col(FormAnswer.id))
    )
    return [
        Reply(form.question.replace("{child}", pupil.first_name), _name(pupil), answer.answer)
        for answer, form, pupil in found
    ]
