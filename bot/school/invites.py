"""One-time invite codes that make someone a teacher or a coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.codes import hash_code, random_code
from bot.models import Invite, Member, Role, SchoolClass
from bot.onboarding.members import join_class

INVITE_CODE_LENGTH = 20
INVITE_VALID_FOR = timedelta(days=7)


@dataclass(frozen=True)
class NewInvite:
    """A fresh invite; `code` is shown once and never stored."""

    code: str
    invite: Invite


async def create_invite(
    session: AsyncSession,
    *,
    school_id: int,
    role: Role,
    now: datetime,
    created_by: int | None = None,
    class_id: int | None = None,
    valid_for: timedelta = INVITE_VALID_FOR,
) -> NewInvite:
    """A one-time code for a teacher or coordinator."""
    if role not in (Role.TEACHER, Role.COORDINATOR):
        raise ValueError("invites are for teachers and coordinators")
    code = random_code(INVITE_CODE_LENGTH)
    invite = Invite(
        school_id=school_id,
        code_hash=hash_code(code),
        role=role,
        class_id=class_id,
        created_by=created_by,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    await session.commit()
    return NewInvite(code=code, invite=invite)


@dataclass(frozen=True)
class Redeemed:
    """What redeeming an invite did."""

    role: Role
    school_class: SchoolClass | None
    created_by: int | None


async def redeem_invite(
    session: AsyncSession, *, code: str, member: Member, now: datetime
) -> Redeemed | None:
    """Use an invite once; None if unknown, used or expired. A coordinator is never demoted."""
    invite = (
        await session.exec(
            select(Invite).where(
                Invite.school_id == member.school_id, Invite.code_hash == hash_code(code)
            )
        )
    ).first()
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    # Claim it atomically, so that two people racing for one code cannot both get it.
    claimed = await session.exec(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=now, used_by=member.id)
    )
    if claimed.rowcount != 1:
        await session.rollback()
        return None
    if member.role != Role.COORDINATOR:
        member.role = Role(invite.role)
    session.add(member)
    await session.commit()
    school_class = None
    if invite.class_id is not None:
        school_class = await session.get(SchoolClass, invite.class_id)
        if school_class is not None and not school_class.archived:
            await join_class(
                session, member=member, school_class=school_class, kind="teacher", now=now
            )
        else:
            school_class = None
    return Redeemed(role=Role(member.role), school_class=school_class, created_by=invite.created_by)


@dataclass(frozen=True)
class Bootstrap:
    """The first coordinator's link: a new one (`code`, to print once: only its hash is kept),
    or the one printed before and still waiting (`code` None), with when it was made."""

    code: str | None
    created_at: datetime
    expires_at: datetime

    def notice(self, *, school_name: str, school_key: str, link: str | None) -> str:
        """What the console says at start (never the log: bot/core/logs.py)."""
        if link is not None:
            return (
                f"No coordinator yet for {school_name}. "
                f"Open this one-time link to become the first: {link}"
            )
        school = "" if school_key == "default" else f" --school {school_key}"
        return (
            f"No coordinator yet for {school_name}. A one-time link was already printed on "
            f"{self.created_at:%Y-%m-%d %H:%M} UTC (valid until {self.expires_at:%Y-%m-%d %H:%M} "
            f"UTC); run `ouderbrug invite --role coordinator{school}` to make a new one."
        )


async def bootstrap_invite(
    session: AsyncSession, *, school_id: int, now: datetime
) -> Bootstrap | None:
    """On a school with no coordinator yet: the unused coordinator link made before, while it is
    valid (one link, not one per start), else a fresh one; None once a coordinator exists."""
    has_coordinator = (
        await session.exec(
            select(Member).where(Member.school_id == school_id, Member.role == Role.COORDINATOR)
        )
    ).first()
    if has_coordinator is not None:
        return None
    waiting = (
        await session.exec(
            select(Invite)
            .where(
                Invite.school_id == school_id,
                Invite.role == Role.COORDINATOR,
                col(Invite.used_at).is_(None),
                col(Invite.expires_at) > now,
            )
            .order_by(col(Invite.created_at).desc())
        )
    ).first()
    if waiting is not None:
        return Bootstrap(code=None, created_at=waiting.created_at, expires_at=waiting.expires_at)
    new = await create_invite(session, school_id=school_id, role=Role.COORDINATOR, now=now)
    return Bootstrap(code=new.code, created_at=now, expires_at=new.invite.expires_at)
