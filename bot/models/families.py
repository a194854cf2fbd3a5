"""Families: the school's roster (pupils grouped in families) and the guardians linked to them.

Only the minimum is stored: a pupil's first name and last-name initial, class, family and home
language(s). No birth dates, addresses or phone numbers. A guardian's access to a class's messages
is still a `class_membership` row (kind "guardian"); the rows here say whose parent they are.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.base import member_fk, utc_column


class GuardianRole(StrEnum):
    """What a guardian is to the family's children (fathers and mothers are counted apart)."""

    MOTHER = "mother"
    FATHER = "father"
    OTHER = "other"  # another guardian: grandparent, foster parent, ...
    UNKNOWN = "unknown"  # not said yet


class LinkStatus(StrEnum):
    """Whether a guardian's claim on a family is accepted."""

    PENDING = "pending"  # waits for the class teacher (class link, or asked after an upgrade)
    APPROVED = "approved"
    REFUSED = "refused"


class LinkVia(StrEnum):
    """How a guardian came to be linked."""

    LETTER = "letter"  # a personal invitation letter's code: no approval needed
    CLASS_LINK = "class_link"  # the class QR: the teacher approves
    UPGRADE = "upgrade"  # a member from before families existed, asked once
    SCHOOL = "school"  # linked by a coordinator or teacher


class Family(SQLModel, table=True):
    """A family: siblings and the guardians linked to them."""

    __table_args__ = (UniqueConstraint("school_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    # The administration's family key (groups siblings on import), or one made up by the bot.
    key: str = Field(max_length=64)
    created_at: datetime = utc_column()


class Pupil(SQLModel, table=True):
    """A child on the school's roster. The school's own record: /forget of a guardian keeps it."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    family_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("family.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    class_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("school_class.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    first_name: str = Field(max_length=64)
    last_initial: str = Field(default="", max_length=4)
    languages: str = Field(default="", max_length=64)  # home languages, codes, comma-separated
    # The administration's pupil number when the export has one (re-imports match on it).
    external_id: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True, index=True)
    )
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
    left_at: datetime | None = utc_column(nullable=True)  # archived: left the school


class Guardian(SQLModel, table=True):
    """A member linked to a family: whose parent they are, and whether that is confirmed."""

    __table_args__ = (UniqueConstraint("member_id", "family_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    family_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("family.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    role: str = Field(default=GuardianRole.UNKNOWN, max_length=16)
    status: str = Field(default=LinkStatus.APPROVED, max_length=16)
    via: str = Field(default=LinkVia.LETTER, max_length=16)
    created_at: datetime = utc_column()
    decided_at: datetime | None = utc_column(nullable=True)
    decided_by: int | None = member_fk(nullable=True, ondelete="SET NULL")


class JoinRequest(SQLModel, table=True):
    """A parent who came through a class link (or an upgrade) says whose parent they are; the
    class teacher approves or refuses. Nothing of the class reaches them before approval."""

    __tablename__ = "join_request"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    class_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("school_class.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    pupil_id: int | None = Field(  # the child picked from the class list
        default=None,
        sa_column=Column(Integer, ForeignKey("pupil.id", ondelete="SET NULL"), nullable=True),
    )
    typed_name: str = Field(default="", max_length=64)  # or the child's name as typed
    role: str = Field(default=GuardianRole.UNKNOWN, max_length=16)
    via: str = Field(default=LinkVia.CLASS_LINK, max_length=16)
    status: str = Field(default=LinkStatus.PENDING, max_length=16, index=True)
    created_at: datetime = utc_column()
    decided_at: datetime | None = utc_column(nullable=True)
    decided_by: int | None = member_fk(nullable=True, ondelete="SET NULL")


class FamilyCode(SQLModel, table=True):
    """A personal invitation letter's code (one per guardian, or a family code for a few).
    Only its hash is kept; the code is printed once on the letter."""

    __tablename__ = "family_code"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    family_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("family.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    code_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    uses_left: int = Field(default=1, ge=0)
    created_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
