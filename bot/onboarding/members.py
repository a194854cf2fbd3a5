"""Members: joining, language, roles, and what /mydata shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import (
    ClassMembership,
    InboxMessage,
    Member,
    MemberStatus,
    Role,
    School,
    SchoolClass,
)


async def ensure_school(
    session: AsyncSession, *, key: str = "default", name: str, now: datetime
) -> School:
    """The school with this key (created on its first start)."""
    school = (await session.exec(select(School).where(School.key == key))).first()
    if school is None:
        school = School(key=key, name=name, created_at=now)
        session.add(school)
        await session.commit()
    return school


async def get_member(session: AsyncSession, *, school_id: int, telegram_id: int) -> Member | None:
    """The member of this school with this Telegram user id."""
    found = await session.exec(
        select(Member).where(Member.school_id == school_id, Member.telegram_id == telegram_id)
    )
    return found.first()


class NotPrivateChat(ValueError):
    """A member's chat must be their private chat with the bot, never a group's."""


def private_chat_id(*, telegram_id: int, chat_id: int) -> int:
    """`chat_id` if it is the user's private chat with the bot (in Telegram its id is the user's
    id; groups, supergroups and channels have negative ids), else NotPrivateChat."""
    if chat_id != telegram_id or chat_id <= 0:
        raise NotPrivateChat(f"chat {chat_id} is not the private chat of user {telegram_id}")
    return chat_id


async def rebind_to_private_chats(session: AsyncSession, *, school_id: int) -> int:
    """Members whose chat is not their private chat (a group's, from before groups were kept
    out): back to their own chat, so nothing meant for them reaches a group. How many."""
    result = await session.exec(
        update(Member)
        .where(col(Member.school_id) == school_id, col(Member.chat_id) != col(Member.telegram_id))
        .values(chat_id=Member.telegram_id)
    )
    await session.commit()
    return int(result.rowcount or 0)


async def get_or_create_member(
    session: AsyncSession,
    *,
    school_id: int,
    telegram_id: int,
    chat_id: int,
    first_name: str,
    now: datetime,
) -> tuple[Member, bool]:
    """The member for a Telegram user, created as a parent on first contact (only ever with their
    private chat: NotPrivateChat otherwise, also for a member who exists already)."""
    private_chat_id(telegram_id=telegram_id, chat_id=chat_id)
    member = await get_member(session, school_id=school_id, telegram_id=telegram_id)
    if member is not None:
        return member, False
    member = Member(
        school_id=school_id,
        telegram_id=telegram_id,
        chat_id=chat_id,
        first_name=first_name[:64],
        role=Role.PARENT,
        created_at=now,
    )
    session.add(member)
    await session.commit()
    return member, True


async def set_language(
    session: AsyncSession, *, member: Member, language: str, second: str | None = None
) -> Member:
    """Store the member's reading language (and optionally clear the second one)."""
    member.language = language
    if member.second_language == language:
        member.second_language = None
    session.add(member)
    await session.commit()
    return member


async def set_second_language(
    session: AsyncSession, *, member: Member, language: str | None
) -> Member:
    """Store the language a member can also read (None: only their own)."""
    member.second_language = None if language == member.language else language
    session.add(member)
    await session.commit()
    return member


async def set_status(session: AsyncSession, *, member: Member, status: MemberStatus) -> Member:
    """Pause (/stop), resume (/start) or mark blocked (Telegram 403)."""
    member.status = status
    session.add(member)
    await session.commit()
    return member


async def join_class(
    session: AsyncSession, *, member: Member, school_class: SchoolClass, kind: str, now: datetime
) -> bool:
    """Link a member to a class; False if it was already linked."""
    assert member.id is not None and school_class.id is not None
    existing = (
        await session.exec(
            select(ClassMembership).where(
                ClassMembership.member_id == member.id,
                ClassMembership.class_id == school_class.id,
            )
        )
    ).first()
    if existing is not None:
        return False
    session.add(
        ClassMembership(member_id=member.id, class_id=school_class.id, kind=kind, created_at=now)
    )
    await session.commit()
    return True


async def member_classes(session: AsyncSession, *, member_id: int) -> list[SchoolClass]:
    """Active classes a member belongs to, by name."""
    rows = await session.exec(
        select(SchoolClass)
        .join(ClassMembership, col(ClassMembership.class_id) == col(SchoolClass.id))
        .where(ClassMembership.member_id == member_id, col(SchoolClass.archived).is_(False))
        .order_by(col(SchoolClass.name))
    )
    return list(rows)


async def count_coordinators(session: AsyncSession, *, school_id: int) -> int:
    """How many coordinators the school has."""
    result = await session.exec(
        select(func.count())
        .select_from(Member)
        .where(Member.school_id == school_id, Member.role == Role.COORDINATOR)
    )
    return int(result.one())


@dataclass(frozen=True)
class MemberData:
    """Everything stored about a member, for /mydata."""

    first_name: str
    language: str | None
    second_language: str | None
    role: str
    status: str
    classes: list[str]
    since: datetime
    messages: int


async def member_data(session: AsyncSession, *, member: Member) -> MemberData:
    """Collect every personal datum held about one member."""
    assert member.id is not None
    classes = [c.name for c in await member_classes(session, member_id=member.id)]
    count = await session.exec(
        select(func.count()).select_from(InboxMessage).where(InboxMessage.member_id == member.id)
    )
    return MemberData(
        first_name=member.first_name,
        language=member.language,
        second_language=member.second_language,
        role=member.role,
        status=member.status,
        classes=classes,
        since=member.created_at,
        messages=int(count.one()),
    )
