"""The school, its members and classes, invites, cached translations and dashboard logins."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

from bot.models.base import member_fk, utc_column


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
    """A school; one installation serves several, each with its own bot (bot/core/schools.py)."""

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
    dutch_below: bool = Field(  # announcements show the Dutch original under the translation
        default=True, sa_column_kwargs={"server_default": sa_true()}
    )
    absence_digest_at: str = Field(  # each school morning, teachers get the day's absences
        default="08:30", max_length=5, sa_column_kwargs={"server_default": "08:30"}
    )
    absence_alert: int = Field(  # unexplained absences in 4 weeks that the weekly overview shows
        default=3, ge=1, sa_column_kwargs={"server_default": "3"}
    )
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
    # The day (UTC, no time) the member last used the bot: "last active" on the class list.
    active_on: date | None = Field(default=None)
    # A parent from before families existed was asked once whose parent they are (issue 17).
    family_asked_at: datetime | None = utc_column(nullable=True)
    # Every message the school sends comes with a voice message too (issue 19, /voice).
    read_aloud: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


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
    # sha256 of the source text alone: /forget and retention find every translation of a text
    # they delete (any language, names, glossary) and delete it too (bot/privacy/service.py).
    source_hash: str | None = Field(default=None, max_length=64, index=True)


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


class DashboardSession(SQLModel, table=True):
    """A coordinator signed in to the dashboard; only the hash of the cookie's random id is kept.

    Deleting the row ends the session at once (logout, "log out everywhere", demotion, /forget).
    """

    __tablename__ = "dashboard_session"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    id_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column(index=True)
