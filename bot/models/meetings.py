"""Parent-teacher meeting slots ("oudercontact"): a plan, its slots, and one booking per slot.

No double booking: a slot holds at most one booking (unique `slot_id`), and a child at most one
booking per plan (unique `plan_id, pupil_id`). The database refuses the second of two presses on
the same slot, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.base import member_fk, utc_column


class MeetingPlan(SQLModel, table=True):
    """A teacher's meeting evening: when, where, how long a slot, for which classes/families."""

    __tablename__ = "meeting_plan"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    # who meets the parents; a teacher's /forget leaves the evening with the school (NULL), as
    # announcements stay without their author: the coordinators can still see and cancel it
    teacher_id: int | None = member_fk(nullable=True, ondelete="SET NULL")
    starts_at: datetime = utc_column()
    ends_at: datetime = utc_column()
    slot_minutes: int = Field(default=15, ge=5, le=60)
    breaks: str = Field(default="", max_length=200)  # "HH:MM-HH:MM" local, comma-separated
    place: str = Field(default="", max_length=200)  # a room or a video link
    class_ids: str = Field(default="", max_length=500)  # comma-separated
    invited: str = Field(default="", max_length=2000)  # family ids "I would like to see you"
    only_invited: bool = Field(default=False)  # offered to the invited families only
    deadline_at: datetime = utc_column()  # booking, changing and cancelling until then
    status: str = Field(default="open", max_length=16)  # open | cancelled
    reminded_at: datetime | None = utc_column(nullable=True)  # families not booked: told once
    created_at: datetime = utc_column()


class MeetingSlot(SQLModel, table=True):
    """One conversation's time in a plan."""

    __tablename__ = "meeting_slot"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("meeting_plan.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    starts_at: datetime = utc_column()
    ends_at: datetime = utc_column()


class MeetingBooking(SQLModel, table=True):
    """A family's booking of a slot for one child; at most one per slot and one per child."""

    __tablename__ = "meeting_booking"
    __table_args__ = (UniqueConstraint("slot_id"), UniqueConstraint("plan_id", "pupil_id"))

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("meeting_plan.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    slot_id: int = Field(
        sa_column=Column(Integer, ForeignKey("meeting_slot.id", ondelete="CASCADE"), nullable=False)
    )
    pupil_id: int = Field(
        sa_column=Column(Integer, ForeignKey("pupil.id", ondelete="CASCADE"), nullable=False)
    )
    family_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("family.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    member_id: int | None = member_fk(nullable=True, ondelete="SET NULL")  # who booked
    interpreter: bool = Field(default=False)  # an interpreter or a parent of their language
    interpreter_language: str = Field(default="", max_length=40)  # codes, e.g. "ar" or "ti,am"
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
