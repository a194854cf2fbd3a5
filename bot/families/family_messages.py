"""The team writes first to one family: who may, to whom it goes, and the conversation it joins.

A message to a family reaches each of its approved guardians on their own, translated like any
answer of the team, and is kept in THAT guardian's conversation as an outgoing message (with the
family it was for), so the inbox shows it in the thread and the family's answer lands beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.service import audience_classes
from bot.conversations.team import team_for_parent
from bot.families.service import Child, children, family_guardians
from bot.models import (
    Conversation,
    ConversationStatus,
    Family,
    Member,
    MemberStatus,
    Role,
    SchoolClass,
)


@dataclass(frozen=True)
class FamilyView:
    """A family as the writer sees it: its children and the guardians a message can reach."""

    family_id: int
    children: list[Child]
    guardians: list[tuple[Member, str]]  # active approved guardians with their role

    @property
    def label(self) -> str:
        """'Adam B. (1A), Sara B. (3B)'."""
        return ", ".join(child.label for child in self.children)


async def writable_classes(session: AsyncSession, *, member: Member) -> list[SchoolClass]:
    """Classes whose families a member may write to: a teacher's own; every class for a
    coordinator; none for a parent."""
    if member.role == Role.PARENT:
        return []
    return await audience_classes(session, member=member)


async def class_families(
    session: AsyncSession, *, member: Member, class_id: int
) -> list[tuple[int, str]] | None:
    """(family id, the children's names in that class) of a class, by first name; None when the
    member may not write to that class."""
    allowed = {c.id for c in await writable_classes(session, member=member)}
    if class_id not in allowed:
        return None
    names: dict[int, list[str]] = {}
    for child in await children(session, class_id=class_id):
        names.setdefault(child.family_id, []).append(
            f"{child.first_name} {child.last_initial}".strip()
        )
    return [(family_id, ", ".join(kids)) for family_id, kids in names.items()]


async def family_for_writer(
    session: AsyncSession, *, member: Member, family_id: int
) -> FamilyView | None:
    """The family if the member may write to it (a child in one of their classes, or any family
    of the school for a coordinator); None otherwise."""
    family = await session.get(Family, family_id)
    if family is None or family.school_id != member.school_id:
        return None
    kids = await children(session, family_ids=[family_id])
    allowed = {c.id for c in await writable_classes(session, member=member)}
    if not any(child.class_id in allowed for child in kids):
        return None
    guardians = [
        (person, guardian.role)
        for guardian, person in await family_guardians(session, family_id=family_id)
        if person.status == MemberStatus.ACTIVE and person.role == Role.PARENT
    ]
    return FamilyView(family_id=family_id, children=kids, guardians=guardians)


async def thread_for(
    session: AsyncSession, *, parent: Member, author: Member, now: datetime
) -> Conversation:
    """The guardian's open conversation, or a new one, for a message the team starts. Nothing is
    marked unread (the team wrote, not the parent). A new thread started by someone who would not
    hear of the parent's answer (a coordinator who is not the class teacher) is passed to them."""
    found = await session.exec(
        select(Conversation).where(
            Conversation.member_id == parent.id, Conversation.status == ConversationStatus.OPEN
        )
    )
    conversation = found.first()
    if conversation is not None:
        return conversation
    conversation = Conversation(
        school_id=parent.school_id, member_id=parent.id or 0, created_at=now, updated_at=now
    )
    conversation.unread = False
    team = {person.id for person in await team_for_parent(session, parent=parent)}
    if author.id not in team:
        conversation.assigned_to = author.id
    session.add(conversation)
    await session.commit()
    return conversation
