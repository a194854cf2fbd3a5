"""Class links with approval: a parent who scans a class's QR says whose parent they are (a join
request); the class's teachers (or, without teachers, the coordinators) approve or refuse it.

The first decision wins. Nothing of the class reaches a class-link parent before approval (no
class membership until then). A parent from before families existed (`LinkVia.UPGRADE`) keeps
their membership while the teacher confirms; "not a parent of this class" removes it.

Retention: a refused request keeps only that it was refused, by whom and when (the child picked
or typed is cleared), so a late press can say who decided; it goes with the parent (/forget).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.errors import KeyedError
from bot.families import service
from bot.models import (
    ClassMembership,
    GuardianRole,
    JoinNotice,
    JoinRequest,
    LinkStatus,
    LinkVia,
    Member,
    MemberStatus,
    Pupil,
    Role,
    SchoolClass,
)

MAX_TYPED_NAME = 64


class ApprovalError(KeyedError):
    """A decision that cannot be made; `key` names the message, `values` fill it."""


@dataclass(frozen=True)
class Decided:
    """What a decision did, for the texts: the request, its parent, class and child."""

    request: JoinRequest
    parent: Member
    class_name: str
    child: service.Child | None
    approved: bool


def clean_typed_name(text: str) -> str:
    """A typed child's name: one line, at most MAX_TYPED_NAME characters ('' if empty)."""
    return " ".join(text.split())[:MAX_TYPED_NAME]


async def class_row(session: AsyncSession, *, school_id: int, class_id: int) -> SchoolClass | None:
    """An active class of this school."""
    found = await session.get(SchoolClass, class_id)
    return found if found and found.school_id == school_id and not found.archived else None


async def waiting(session: AsyncSession, *, member_id: int, class_id: int) -> JoinRequest | None:
    """The member's pending request for a class, if any."""
    query = select(JoinRequest).where(
        JoinRequest.member_id == member_id,
        JoinRequest.class_id == class_id,
        JoinRequest.status == LinkStatus.PENDING,
    )
    return (await session.exec(query)).first()


async def membership(session: AsyncSession, *, member_id: int, class_id: int) -> str | None:
    """The kind of the member's membership of a class ('guardian', 'teacher') or None."""
    query = select(ClassMembership.kind).where(
        ClassMembership.member_id == member_id, ClassMembership.class_id == class_id
    )
    return (await session.exec(query)).first()


async def ask(
    session: AsyncSession,
    *,
    school_id: int,
    member_id: int,
    class_id: int,
    role: GuardianRole,
    now: datetime,
    pupil_id: int | None = None,
    typed_name: str = "",
) -> tuple[JoinRequest, bool] | None:
    """A pending request (new, or the one already waiting: False). An UPGRADE when the member
    already receives the class's messages. None when the class or the picked child is not there."""
    if await class_row(session, school_id=school_id, class_id=class_id) is None:
        return None
    if pupil_id is not None:
        pupil = await session.get(Pupil, pupil_id)
        if pupil is None or pupil.class_id != class_id or pupil.left_at is not None:
            return None
        if pupil.family_id in await service.guardian_families(session, member_id=member_id):
            return None  # already their parent (an old picker pressed again)
    if (found := await waiting(session, member_id=member_id, class_id=class_id)) is not None:
        return found, False
    old = await membership(session, member_id=member_id, class_id=class_id) == "guardian"
    request = JoinRequest(
        school_id=school_id,
        member_id=member_id,
        class_id=class_id,
        pupil_id=pupil_id,
        typed_name="" if pupil_id else clean_typed_name(typed_name),
        role=role,
        via=LinkVia.UPGRADE if old else LinkVia.CLASS_LINK,
        created_at=now,
    )
    session.add(request)
    await mark_asked(session, member_id=member_id, now=now)
    await session.commit()
    return request, True


async def mark_asked(session: AsyncSession, *, member_id: int, now: datetime) -> bool:
    """Note that the member was asked whose parent they are; False if that was done already
    (another process asked first)."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Member)
        .where(col(Member.id) == member_id, col(Member.family_asked_at).is_(None))
        .values(family_asked_at=now)
    )
    return bool(result.rowcount)


async def deciders(session: AsyncSession, *, school_id: int, class_id: int) -> list[Member]:
    """Who decides on a class's requests: its teachers, or the coordinators if it has none."""
    teachers = await session.exec(
        select(Member)
        .join(ClassMembership, col(ClassMembership.member_id) == col(Member.id))
        .where(
            ClassMembership.class_id == class_id,
            ClassMembership.kind == "teacher",
            Member.role == Role.TEACHER,
            Member.status == MemberStatus.ACTIVE,
        )
        .order_by(col(Member.id))
    )
    found = list(teachers)
    if found:
        return found
    coordinators = await session.exec(
        select(Member)
        .where(Member.school_id == school_id, Member.role == Role.COORDINATOR)
        .where(Member.status == MemberStatus.ACTIVE)
        .order_by(col(Member.id))
    )
    return list(coordinators)


async def may_decide(session: AsyncSession, *, member: Member, class_id: int) -> bool:
    """A coordinator, or a teacher of this class."""
    if member.role == Role.COORDINATOR:
        return True
    if member.role != Role.TEACHER or member.id is None:
        return False
    return await membership(session, member_id=member.id, class_id=class_id) == "teacher"


async def remember_notices(
    session: AsyncSession, *, request_id: int, shown: list[tuple[int, int]]
) -> None:
    """Where the request was shown: (chat id, message id) per teacher."""
    session.add_all(
        JoinNotice(request_id=request_id, chat_id=chat, message_id=message)
        for chat, message in shown
    )
    await session.commit()


async def notices(session: AsyncSession, *, request_id: int) -> list[tuple[int, int, str | None]]:
    """The teachers' messages about a request: chat, message, the teacher's language."""
    rows = await session.exec(
        select(JoinNotice.chat_id, JoinNotice.message_id, Member.language)
        .join(JoinRequest, col(JoinRequest.id) == col(JoinNotice.request_id))
        .join(
            Member,
            (col(Member.chat_id) == col(JoinNotice.chat_id))
            & (col(Member.school_id) == col(JoinRequest.school_id)),
            isouter=True,
        )
        .where(JoinNotice.request_id == request_id)
    )
    return [(int(c), int(m), lang) for c, m, lang in rows]


async def request_of(
    session: AsyncSession, *, school_id: int, request_id: int, decider: Member
) -> JoinRequest:
    """A request this member may decide on; ApprovalError("approval.gone") otherwise (someone
    else's class looks the same as a request that does not exist)."""
    request = await session.get(JoinRequest, request_id)
    if request is None or request.school_id != school_id:
        raise ApprovalError("approval.gone")
    if not await may_decide(session, member=decider, class_id=request.class_id):
        raise ApprovalError("approval.gone")
    if request.status != LinkStatus.PENDING:
        who = await session.get(Member, request.decided_by) if request.decided_by else None
        approved = request.status == LinkStatus.APPROVED
        key = "approval.already_approved" if approved else "approval.already_refused"
        raise ApprovalError(key, name=who.first_name if who else "?")
    return request


async def decide(
    session: AsyncSession,
    *,
    school_id: int,
    request_id: int,
    decider: Member,
    approve: bool,
    now: datetime,
    pupil_id: int | None = None,
) -> Decided:
    """Approve (linking the picked child's family, or with `pupil_id` the child the teacher
    picked; 0 = the class only) or refuse a pending request. The first decision wins."""
    request = await request_of(session, school_id=school_id, request_id=request_id, decider=decider)
    parent = await session.get(Member, request.member_id)
    school_class = await session.get(SchoolClass, request.class_id)
    if parent is None or parent.id is None or school_class is None:
        raise ApprovalError("approval.gone")
    chosen = request.pupil_id if pupil_id is None else (pupil_id or None)
    child = None
    if approve and chosen is not None:
        child = next(
            (c for c in await service.children(session, class_id=request.class_id)
             if c.pupil_id == chosen),
            None,
        )  # fmt: skip
        if child is None:
            raise ApprovalError("approval.child_gone")
    claimed = await session.exec(  # type: ignore[call-overload]
        update(JoinRequest)
        .where(col(JoinRequest.id) == request.id, col(JoinRequest.status) == LinkStatus.PENDING)
        .values(
            status=LinkStatus.APPROVED if approve else LinkStatus.REFUSED,
            decided_at=now,
            decided_by=decider.id,
            pupil_id=chosen if approve else None,
            typed_name=request.typed_name if approve else "",
        )
    )
    if not claimed.rowcount:  # another teacher, a moment earlier
        await session.rollback()
        return await decide(
            session, school_id=school_id, request_id=request_id, decider=decider,
            approve=approve, now=now, pupil_id=pupil_id,
        )  # fmt: skip
    if approve and child is not None:
        await service.link_guardian(
            session,
            school_id=school_id,
            family_id=child.family_id,
            member_id=parent.id,
            via=LinkVia(request.via),
            now=now,
            role=GuardianRole(request.role),
            decided_by=decider.id,
        )
    if (
        approve
        and await membership(session, member_id=parent.id, class_id=request.class_id) is None
    ):
        session.add(ClassMembership(member_id=parent.id, class_id=request.class_id, created_at=now))
    if not approve and request.via == LinkVia.UPGRADE:  # "not a parent of this class"
        await session.exec(  # type: ignore[call-overload]
            delete(ClassMembership).where(
                col(ClassMembership.member_id) == parent.id,
                col(ClassMembership.class_id) == request.class_id,
                col(ClassMembership.kind) == "guardian",
            )
        )
    await session.commit()
    await session.refresh(request)
    return Decided(request, parent, school_class.name, child, approve)


async def class_count(session: AsyncSession, *, member_id: int) -> int:
    """How many classes' messages reach a member."""
    rows = await session.exec(
        select(ClassMembership.id).where(ClassMembership.member_id == member_id)
    )
    return len(list(rows))
