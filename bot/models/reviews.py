"""Human review of machine translations (issue 19): who reviews which language, the reviewed
translations the school keeps, and the requests sent to reviewers with where they were shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.base import member_fk, utc_column


class Reviewer(SQLModel, table=True):
    """A team member or language buddy a coordinator chose to check one language's translations."""

    __table_args__ = (UniqueConstraint("member_id", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    language: str = Field(max_length=8)
    added_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    created_at: datetime = utc_column()


class ReviewedTranslation(SQLModel, table=True):
    """A translation a person checked (approved or corrected): the Translator returns it for the
    same source text before any machine. It stays when the reviewer uses /forget (only their
    link goes): it is the school's text."""

    __tablename__ = "reviewed_translation"
    __table_args__ = (UniqueConstraint("source_hash", "source_lang", "target_lang"),)

    id: int | None = Field(default=None, primary_key=True)
    source_hash: str = Field(max_length=64, index=True)  # sha256 of the source text
    source_lang: str = Field(max_length=8)
    target_lang: str = Field(max_length=8)
    text: str
    corrected: bool = Field(default=False)  # False: approved as the machine made it
    reviewed_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    reviewed_at: datetime = utc_column()


class ReviewRequest(SQLModel, table=True):
    """Reviewers of a language asked to check an announcement's machine translation; the first
    answer wins (status open -> approved | corrected)."""

    __tablename__ = "review_request"
    __table_args__ = (UniqueConstraint("announcement_id", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    announcement_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("announcement.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    language: str = Field(max_length=8)
    source_hash: str = Field(max_length=64)  # the text as it was when the reviewers were asked
    status: str = Field(default="open", max_length=16)  # open | approved | corrected
    decided_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    created_at: datetime = utc_column()
    decided_at: datetime | None = utc_column(nullable=True)
    # Asked before sending: the copies in this language wait (until `hold_until` at the latest);
    # an answer lets them go at `release_at` (at once, or when the quiet hours end).
    release_at: datetime | None = utc_column(nullable=True)
    hold_until: datetime | None = utc_column(nullable=True)


class ReviewNotice(SQLModel, table=True):
    """Where one reviewer was shown one request (to say "done by Kasia" on the others' copies)."""

    __tablename__ = "review_notice"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("review_request.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    member_id: int = member_fk(nullable=False, ondelete="CASCADE")
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int = Field(sa_column=Column(Integer, nullable=False))
