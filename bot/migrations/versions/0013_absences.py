"""Absence notes and permission forms (issue 18): a child's absences (a guardian's note or a
teacher's mark), yes/no forms per child and their answers; the school's morning time for the
teachers' absence list and the threshold of the weekly overview of unexplained absences; the
school's days without school (holidays).

Nothing existing changes: new tables, and two school settings with their defaults.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "permission_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("photo_consent", sa.Boolean(), nullable=False),
        sa.Column("deadline", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("sent_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.Column("reminded_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["class_id"], ["school_class.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_permission_form_author_id"), "permission_form", ["author_id"], unique=False
    )
    op.create_index(
        op.f("ix_permission_form_class_id"), "permission_form", ["class_id"], unique=False
    )
    op.create_index(
        op.f("ix_permission_form_school_id"), "permission_form", ["school_id"], unique=False
    )
    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("note_nl", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("note_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("voice_file_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("answered_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.Column("team_due_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["answered_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["class_id"], ["school_class.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reported_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_absence_answered_by"), "absence", ["answered_by"], unique=False)
    op.create_index(op.f("ix_absence_class_id"), "absence", ["class_id"], unique=False)
    op.create_index(op.f("ix_absence_first_day"), "absence", ["first_day"], unique=False)
    op.create_index(op.f("ix_absence_last_day"), "absence", ["last_day"], unique=False)
    op.create_index(op.f("ix_absence_pupil_id"), "absence", ["pupil_id"], unique=False)
    op.create_index(op.f("ix_absence_reported_by"), "absence", ["reported_by"], unique=False)
    op.create_index(op.f("ix_absence_school_id"), "absence", ["school_id"], unique=False)
    op.create_index(op.f("ix_absence_team_due_at"), "absence", ["team_due_at"], unique=False)
    op.create_table(
        "form_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Boolean(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["form_id"], ["permission_form.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("form_id", "pupil_id"),
    )
    op.create_index(op.f("ix_form_answer_form_id"), "form_answer", ["form_id"], unique=False)
    op.create_index(op.f("ix_form_answer_member_id"), "form_answer", ["member_id"], unique=False)
    op.create_index(op.f("ix_form_answer_pupil_id"), "form_answer", ["pupil_id"], unique=False)
    op.add_column(
        "school",
        sa.Column(
            "absence_digest_at",
            sqlmodel.sql.sqltypes.AutoString(length=5),
            server_default="08:30",
            nullable=False,
        ),
    )
    op.add_column(
        "school", sa.Column("absence_alert", sa.Integer(), server_default="3", nullable=False)
    )
    op.create_table(
        "school_holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_school_holiday_school_id"), "school_holiday", ["school_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_school_holiday_school_id"), table_name="school_holiday")
    op.drop_table("school_holiday")
    op.drop_column("school", "absence_alert")
    op.drop_column("school", "absence_digest_at")
    op.drop_index(op.f("ix_form_answer_pupil_id"), table_name="form_answer")
    op.drop_index(op.f("ix_form_answer_member_id"), table_name="form_answer")
    op.drop_index(op.f("ix_form_answer_form_id"), table_name="form_answer")
    op.drop_table("form_answer")
    op.drop_index(op.f("ix_absence_team_due_at"), table_name="absence")
    op.drop_index(op.f("ix_absence_school_id"), table_name="absence")
    op.drop_index(op.f("ix_absence_reported_by"), table_name="absence")
    op.drop_index(op.f("ix_absence_pupil_id"), table_name="absence")
    op.drop_index(op.f("ix_absence_last_day"), table_name="absence")
    op.drop_index(op.f("ix_absence_first_day"), table_name="absence")
    op.drop_index(op.f("ix_absence_class_id"), table_name="absence")
    op.drop_index(op.f("ix_absence_answered_by"), table_name="absence")
    op.drop_table("absence")
    op.drop_index(op.f("ix_permission_form_school_id"), table_name="permission_form")
    op.drop_index(op.f("ix_permission_form_class_id"), table_name="permission_form")
    op.drop_index(op.f("ix_permission_form_author_id"), table_name="permission_form")
    op.drop_table("permission_form")
