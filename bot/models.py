"""All database tables, in one place (SQLModel on SQLAlchemy).

Times are stored in UTC. Telegram ids are 64-bit, hence BigInteger columns.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    """A UTC timestamp column."""
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def member_fk(*, nullable: bool, ondelete: str) -> Any:
    """A foreign key to member.id."""
    return Field(
        default=None if nullable else ...,
        sa_column=Column(
            Integer, ForeignKey("member.id", ondelete=ondelete), nullable=nullable, index=True
        ),
    )


class Role(StrEnum):
    """What a member is to the school."""

    PARENT = "parent"
    TEACHER = "teacher"
    COORDINATOR = "coordinator"


class MemberStatus(StrEnum):
    """Whether the bot may write to a member."""

    ACTIVE = "active"
    STOPPED = "stopped"  # the member sent /stop
    BLOCKED = "blocked"  # Telegram answered 403


class School(SQLModel, table=True):
    """A school; one installation serves several, each with its own bot (bot/schools.py)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(  # short and stable, from the schools file ("default" without one)
        default="default",
        sa_column=Column(String(32), unique=True, nullable=False, default="default"),
    )
    name: str = Field(max_length=200)
    quiet_start: str = Field(default="21:00", max_length=5)
    quiet_end: str = Field(default="07:00", max_length=5)
    min_group: int = Field(default=5, ge=3)
    min_text_group: int = Field(default=10, ge=3)
    retention_days: int | None = Field(default=None, ge=1)  # None: until the school year ends
    created_at: datetime = utc_column()


class Member(SQLModel, table=True):
    """A person using the bot: a parent, a teacher or a coordinator. Minimal data only.

    One per school: the same Telegram user in two schools (two bots) is two members.
    """

    __table_args__ = (UniqueConstraint("school_id", "telegram_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    first_name: str = Field(default="", max_length=64)
    language: str | None = Field(default=None, max_length=8)
    second_language: str | None = Field(default=None, max_length=8)
    role: str = Field(default=Role.PARENT, max_length=16)
    status: str = Field(default=MemberStatus.ACTIVE, max_length=16)
    buddy: bool = Field(default=False)  # volunteers to help parents who speak their languages
    created_at: datetime = utc_column()


class SchoolClass(SQLModel, table=True):
    """A class (group of pupils); parents join it by its code."""

    __tablename__ = "school_class"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    name: str = Field(max_length=60)
    join_code: str = Field(sa_column=Column(String(32), unique=True, nullable=False))
    archived: bool = Field(default=False)
    created_at: datetime = utc_column()


class ClassMembership(SQLModel, table=True):
    """A member linked to a class: a guardian of a pupil in it, or one of its teachers."""

    __tablename__ = "class_membership"
    __table_args__ = (UniqueConstraint("member_id", "class_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    class_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("school_class.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(default="guardian", max_length=16)  # guardian | teacher
    created_at: datetime = utc_column()


class Invite(SQLModel, table=True):
    """A one-time code that makes someone a teacher or coordinator. Only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    code_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    role: str = Field(max_length=16)
    class_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("school_class.id", ondelete="SET NULL")),
    )
    created_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    used_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)


class TranslationCache(SQLModel, table=True):
    """A machine translation done once and reused; keyed by text hash, languages, glossary."""

    __tablename__ = "translation_cache"

    key: str = Field(primary_key=True, max_length=64)
    source_lang: str = Field(max_length=8)
    target_lang: str = Field(max_length=8)
    glossary_version: str = Field(max_length=64)
    text: str
    path: str = Field(default="", max_length=64)  # e.g. "nl>en>ar"
    created_at: datetime = utc_column()


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
    text_parent: str | None = Field(default=None)  # an answer as the parent received it
    file_id: str | None = Field(default=None, max_length=255)
    announcement_id: int | None = Field(  # a question about this announcement
        default=None,
        sa_column=Column(Integer, ForeignKey("announcement.id", ondelete="SET NULL"), index=True),
    )
    created_at: datetime = utc_column(index=True)


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
    kind: str = Field(default="text", max_length=16)  # text | photo | document | voice | album
    text: str = Field(default="")  # Dutch original (text or caption)
    language: str = Field(default="nl", max_length=8)
    file_id: str | None = Field(default=None, max_length=255)
    file_name: str | None = Field(default=None, max_length=255)
    album: str = Field(default="")  # an album's photo file ids, one per line
    media_group: str | None = Field(default=None, max_length=64)  # Telegram's album id
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
    via: str = Field(default="own", max_length=16)  # own | second | original
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16, index=True)
    action: str = Field(default=DeliveryAction.SEND, max_length=8)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = utc_column(index=True)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    media_message_ids: str = Field(default="", max_length=200)  # photo/album/file, comma-separated
    last_error: str | None = Field(default=None, max_length=300)
    sent_at: datetime | None = utc_column(nullable=True)
    seen_at: datetime | None = utc_column(nullable=True)


class PollStatus(StrEnum):
    """Where a poll is in its life."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Poll(SQLModel, table=True):
    """A poll from a flow file, sent to the parents of some classes until a closing time."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    flow_id: str = Field(max_length=32)
    author_id: int | None = member_fk(nullable=True, ondelete="SET NULL")
    author_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    class_ids: str = Field(default="", max_length=1000)  # comma-separated
    status: str = Field(default=PollStatus.DRAFT, max_length=16, index=True)
    invited: int = Field(default=0)  # parents the poll was sent to
    invite_at: datetime | None = utc_column(nullable=True)  # set while invitations wait
    reminders_sent: int = Field(default=0)
    reminded_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()
    opened_at: datetime | None = utc_column(nullable=True)
    closes_at: datetime = utc_column(index=True)
    # A thank-you poll after a meeting goes to those who said they would come, not to classes.
    event_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=True, unique=True
        ),
    )
    # The flow as it was when the draft was made (JSON, the shape of a flows/ file), frozen with the
    # poll so that answers keep meaning what was asked; None for polls older than this column.
    definition: str | None = Field(default=None)


class SchoolFlow(SQLModel, table=True):
    """A school's own poll: a shipped flow duplicated and adapted by a coordinator in the bot.

    `definition` holds the flow as validated data (JSON, the shape of a flows/ file; questions
    left out carry `left_out: true`). Once launched it is no longer edited or deleted: the
    coordinator makes a copy instead.
    """

    __tablename__ = "school_flow"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    base: str = Field(max_length=32)  # the shipped flow it started from
    definition: str
    launched: bool = Field(default=False)
    created_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


# The three tables below are what makes polls anonymous. Their primary keys are random (uuid4 or
# an HMAC), and on SQLite they are WITHOUT ROWID tables, so rows are kept in key order, not in the
# order people answered. No user, chat or message id, no time finer than a day.


class PollParticipation(SQLModel, table=True):
    """That someone took part in a poll, and how far they got; holds no answer.

    `key` is HMAC(server secret, poll id + Telegram user id): it prevents answering twice and
    finds who has not answered yet (for reminders), but cannot be reversed without the secret,
    which is never stored in the database.
    """

    __tablename__ = "poll_participation"
    __table_args__ = {"sqlite_with_rowid": False}

    key: str = Field(primary_key=True, max_length=64)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    progress: int = Field(default=0)  # the next question to show
    done: bool = Field(default=False)


class PollResponse(SQLModel, table=True):
    """One anonymous respondent: a random id, the class (when only one applies) and the day."""

    __tablename__ = "poll_response"
    # (poll, class) holds the id too: the tally's respondents per class from the index alone.
    __table_args__ = (
        Index("ix_poll_response_poll_id_class_id", "poll_id", "class_id"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(primary_key=True, max_length=32)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    class_id: int | None = Field(default=None)
    day: date


class PollAnswer(SQLModel, table=True):
    """One chosen option, or one free-text answer (with its Dutch translation)."""

    __tablename__ = "poll_answer"
    # Free-text answers (option_id NULL) found without reading every answer of the poll.
    __table_args__ = (
        Index("ix_poll_answer_poll_id_option_id", "poll_id", "option_id"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(primary_key=True, max_length=32)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    response_id: str = Field(
        sa_column=Column(
            String(32),
            ForeignKey("poll_response.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    question_id: str = Field(max_length=32)
    option_id: str | None = Field(default=None, max_length=32)  # None: a free-text answer
    text: str | None = Field(default=None)
    language: str | None = Field(default=None, max_length=8)
    text_nl: str | None = Field(default=None)


class PollCount(SQLModel, table=True):
    """How many answers one option got in one class (kept as answers are stored: bot/services/poll_counts.py).

    Only sums: no order, time or respondent. class_id 0: the respondent had no single class;
    option_id "": a free-text answer; option_id "*": respondents who answered the question.
    Thresholds apply when the counts are shown, as for the answers themselves.
    """

    __tablename__ = "poll_count"

    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    class_id: int = Field(default=0, primary_key=True)
    question_id: str = Field(primary_key=True, max_length=32)
    option_id: str = Field(primary_key=True, max_length=32)
    n: int = Field(default=0)


def now_utc() -> datetime:
    """Current UTC time (use the injected clock in services; this is for defaults)."""
    return datetime.now(UTC)


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


class DashboardLogin(SQLModel, table=True):
    """A one-time link to the coordinator dashboard; only the token's hash is kept."""

    __tablename__ = "dashboard_login"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)
