"""Conversations between parents and the team, language buddies, the inbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
)
from sqlmodel import Field, SQLModel

from bot.models.base import member_fk, utc_column


class ConversationStatus(StrEnum):
    """Whether a conversation still needs the team."""

    OPEN = "open"
    HANDLED = "handled"


class Conversation(SQLModel, table=True):
    """A parent's thread with the school team: their messages and the team's answers."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")  # the parent
    to_school: bool = Field(default=False)  # False: the class teacher(s); True: coordinators
    assigned_to: int | None = member_fk(nullable=True, ondelete="SET NULL")  # passed to
    status: str = Field(default=ConversationStatus.OPEN, max_length=16, index=True)
    unread: bool = Field(default=True)  # the parent wrote since the team last answered
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column(index=True)
    # Follow-ups (bot/conversations/follow_ups.py): the last parent message the team was told of,
    # when, and when the next notification is due (None: nothing waiting).
    notified_upto: int | None = Field(default=None)
    notified_at: datetime | None = utc_column(nullable=True)
    notify_due_at: datetime | None = utc_column(nullable=True, index=True)


class BuddyRequest(SQLModel, table=True):
    """A coordinator asks a language buddy to help a parent; contact only when both agree."""

    __tablename__ = "buddy_request"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    parent_id: int = member_fk(nullable=False, ondelete="CASCADE")
    buddy_id: int = member_fk(nullable=False, ondelete="CASCADE")
    asked_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    status: str = Field(default="asked", max_length=16)  # asked | buddy_yes | agreed | declined
    created_at: datetime = utc_column()


class InboxMessage(SQLModel, table=True):
    """A message in a conversation: from a parent (kept for the team) or the team's answer."""

    __tablename__ = "inbox_message"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")  # the parent
    conversation_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("conversation.id", ondelete="CASCADE"), index=True),
    )
    direction: str = Field(default="in", max_length=4)  # in: from the parent | out: an answer
    author_id: int | None = member_fk(nullable=True, ondelete="SET NULL")  # who answered
    kind: str = Field(default="text", max_length=16)  # text | photo | voice | document | help
    text: str = Field(default="")  # as written (an answer: the Dutch original)
    language: str | None = Field(default=None, max_length=8)  # the parent's language
    text_nl: str | None = Field(default=None)  # machine translation for the team
    transcript: str | None = Field(default=None)  # a voice note as machine-transcribed
    text_parent: str | None = Field(default=None)  # an answer as the parent received it
    file_id: str | None = Field(default=None, max_length=255)
    announcement_id: int | None = Field(  # a question about this announcement
        default=None,
        sa_column=Column(Integer, ForeignKey("announcement.id", ondelete="SET NULL"), index=True),
    )
    # The team wrote first to this family (bot/families/family_messages.py): "to the family of ...".
    family_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("family.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = utc_column(index=True)
