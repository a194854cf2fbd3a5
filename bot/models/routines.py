"""School routines (issue 18): absence notes and permission forms.

An absence is the school's record about a pupil (a parent's note, or a teacher's mark that the
family is asked about); a permission form asks one yes/no question per child of a class, answered
by any of the child's guardians and, for a photo-consent form, kept as the child's photo consent.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.base import member_fk, utc_column


class AbsenceReason(StrEnum):
    """Why a child is away, as chosen by picture; empty while a teacher's mark is unexplained."""

    SICK = "sick"
    DOCTOR = "doctor"
    FAMILY = "family"
    OTHER = "other"
    LATE = "late"  # the family answered a teacher's mark: the child comes later
    NONE = ""


class AbsenceSource(StrEnum):
    """Who made the record: a guardian's note or a teacher's mark."""

    PARENT = "parent"
    TEACHER = "teacher"


def _pupil_fk() -> object:
    return Field(
        sa_column=Column(
            Integer, ForeignKey("pupil.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


class Absence(SQLModel, table=True):
    """A child away on some school days: a guardian's note, or a teacher's mark."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    pupil_id: int = _pupil_fk()  # type: ignore[assignment]
    class_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("school_class.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    source: str = Field(default=AbsenceSource.PARENT, max_length=16)
    first_day: date = Field(index=True)
    last_day: date = Field(index=True)
    reason: str = Field(default=AbsenceReason.NONE, max_length=16)
    note: str = Field(default="", max_length=1000)  # the guardian's own words
    note_nl: str | None = Field(default=None, max_length=2000)  # machine-translated for the team
    note_language: str | None = Field(default=None, max_length=8)
    voice_file_id: str | None = Field(default=None, max_length=256)
    reported_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    answered_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    created_at: datetime = utc_column()
    answered_at: datetime | None = utc_column(nullable=True)
    team_due_at: datetime | None = utc_column(nullable=True, index=True)  # held: quiet hours


class PermissionForm(SQLModel, table=True):
    """A yes/no question about each child of a class, with a deadline; not anonymous."""

    __tablename__ = "permission_form"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    class_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("school_class.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    author_id: int | None = member_fk(nullable=True, ondelete="SET NULL")
    question: str = Field(max_length=1000)  # Dutch, "{child}" where the child's name goes
    photo_consent: bool = Field(default=False)
    deadline: datetime = utc_column()
    created_at: datetime = utc_column()
    sent_at: datetime | None = utc_column(nullable=True)  # None: a draft the teacher still sees
    reminded_at: datetime | None = utc_column(nullable=True)


class FormAnswer(SQLModel, table=True):
    """One answer per child and form, by any of its guardians, changeable until the deadline."""

    __tablename__ = "form_answer"
    __table_args__ = (UniqueConstraint("form_id", "pupil_id"),)

    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("permission_form.id", ondelete="CASCADE"), nullable=False,
            index=True,
        )
    )  # fmt: skip
    pupil_id: int = _pupil_fk()  # type: ignore[assignment]
    answer: bool
    member_id: int | None = member_fk(nullable=True, ondelete="SET NULL")
    answered_at: datetime = utc_column()


class SchoolHoliday(SQLModel, table=True):
    """Days without school (a holiday, a study day), set by the office: held absence notes, the
    morning list and the parents' day buttons skip them."""

    __tablename__ = "school_holiday"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    first_day: date
    last_day: date
