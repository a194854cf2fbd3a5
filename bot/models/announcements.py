"""Announcements and their copies (the outbox), and invitations' events with RSVPs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from bot.models.base import member_fk, utc_column


class AnnouncementStatus(StrEnum):
    """Where an announcement is in its life."""

    DRAFT = "draft"  # previewed, not confirmed
    SCHEDULED = "scheduled"  # confirmed for a later time
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"  # the author took it back after sending


class DeliveryStatus(StrEnum):
    """One parent's copy of an announcement, in the outbox."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by the sender; back to pending after a crash
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"  # never sent, or deleted from the parent's chat


class DeliveryAction(StrEnum):
    """What the sender has to do with a copy."""

    SEND = "send"
    EDIT = "edit"  # the author changed the text: edit the copy in place
    DELETE = "delete"  # the author withdrew the announcement: delete the copy


class Announcement(SQLModel, table=True):
    """A message from the school team to the parents of one or more classes."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    author_id: int | None = member_fk(nullable=True, ondelete="SET NULL")
    author_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    class_ids: str = Field(default="", max_length=1000)  # comma-separated
    # Only the families of these pupils (comma-separated ids; empty: every family of the classes).
    pupil_ids: str = Field(default="", max_length=4000)
    kind: str = Field(default="text", max_length=16)  # text | photo | document | voice | album
    text: str = Field(default="")  # Dutch original (text or caption)
    language: str = Field(default="nl", max_length=8)
    file_id: str | None = Field(default=None, max_length=255)
    file_name: str | None = Field(default=None, max_length=255)
    album: str = Field(default="")  # an album's photo file ids, one per line
    media_group: str | None = Field(default=None, max_length=64)  # Telegram's album id
    pictograms: str = Field(  # chosen pictograms, comma-separated (bot/pictograms/)
        default="", max_length=200, sa_column_kwargs={"server_default": ""}
    )
    status: str = Field(default=AnnouncementStatus.DRAFT, max_length=16)
    urgent: bool = Field(default=False)  # coordinators may send during quiet hours
    report_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    created_at: datetime = utc_column()
    scheduled_for: datetime | None = utc_column(nullable=True)
    sent_at: datetime | None = utc_column(nullable=True)
    edited_at: datetime | None = utc_column(nullable=True)


class Delivery(SQLModel, table=True):
    """The outbox: one row per (announcement, parent)."""

    __table_args__ = (UniqueConstraint("announcement_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("announcement.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    language: str = Field(max_length=8)  # the language delivered in
    via: str = Field(default="own", max_length=16)  # own | second | original | failed
    wanted: str | None = Field(default=None, max_length=8)  # the parent's own language at send time
    reviewed: bool = Field(  # the translation was checked by a reviewer (bot/reviews/)
        default=False, sa_column_kwargs={"server_default": sa_false()}
    )
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16, index=True)
    action: str = Field(default=DeliveryAction.SEND, max_length=8)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = utc_column(index=True)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    media_message_ids: str = Field(default="", max_length=200)  # photo/album/file, comma-separated
    last_error: str | None = Field(default=None, max_length=300)
    sent_at: datetime | None = utc_column(nullable=True)
    seen_at: datetime | None = utc_column(nullable=True)
    # The voice message after the text (issue 19, bot/read_aloud/): None (not asked), wanted,
    # sending (claimed: next_attempt_at is its lease once the text is sent), sent, none, failed.
    voice: str | None = Field(default=None, max_length=8, index=True)
    voice_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))  # the last one


class Event(SQLModel, table=True):
    """An informal meeting parents are invited to; its invitation travels as an announcement."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    announcement_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("announcement.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    template: str = Field(max_length=32)
    title: str = Field(max_length=200)  # Dutch, as in the template or typed by the organiser
    description: str = Field(default="", max_length=1000)  # the warm text, in Dutch
    starts_at: datetime = utc_column(index=True)
    ends_at: datetime = utc_column()
    place: str = Field(default="", max_length=200)
    children_welcome: bool = Field(default=True)
    interpreter_offered: bool = Field(default=True)  # someone who speaks their language
    thank_you: bool = Field(default=True)  # a one-question anonymous poll afterwards
    latitude: float | None = Field(default=None)  # the place on a map, when the organiser shares it
    longitude: float | None = Field(default=None)
    status: str = Field(default="open", max_length=16)  # open | cancelled
    created_at: datetime = utc_column()


class Rsvp(SQLModel, table=True):
    """A guardian's answer to an invitation (not anonymous: parents are told so)."""

    __table_args__ = (UniqueConstraint("event_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    answer: str = Field(max_length=8)  # yes | maybe | no
    people: int = Field(default=1, ge=1, le=10)
    interpreter: bool = Field(default=False)  # would like someone who speaks their language
    updated_at: datetime = utc_column()
