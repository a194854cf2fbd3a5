"""Parent-teacher meeting slots (issue 18): a plan, its slots, and at most one booking per slot
and per child (the unique constraints are what prevents double bookings).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = bot.models.base.UTCDateTime
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "meeting_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", utc(), nullable=False),
        sa.Column("ends_at", utc(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("breaks", text(length=200), nullable=False),
        sa.Column("place", text(length=200), nullable=False),
        sa.Column("class_ids", text(length=500), nullable=False),
        sa.Column("invited", text(length=2000), nullable=False),
        sa.Column("only_invited", sa.Boolean(), nullable=False),
        sa.Column("deadline_at", utc(), nullable=False),
        sa.Column("status", text(length=16), nullable=False),
        sa.Column("reminded_at", utc(), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["teacher_id"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_plan_school_id"), ["school_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_plan_teacher_id"), ["teacher_id"], unique=False
        )
    op.create_table(
        "meeting_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", utc(), nullable=False),
        sa.Column("ends_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["meeting_plan.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting_slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_slot_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "meeting_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("interpreter", sa.Boolean(), nullable=False),
        sa.Column("interpreter_language", text(length=40), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("updated_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["plan_id"], ["meeting_plan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["slot_id"], ["meeting_slot.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "pupil_id"),
        sa.UniqueConstraint("slot_id"),
    )
    with op.batch_alter_table("meeting_booking", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_booking_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_booking_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_booking_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_table("meeting_booking")
    op.drop_table("meeting_slot")
    op.drop_table("meeting_plan")
