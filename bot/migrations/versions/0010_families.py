"""Families (issue 17): the roster (family, pupil), guardians linked to families, class-link join
requests the teacher approves, personal letters' codes; a member's last active day and whether a
parent from before families existed was asked whose parent they are; announcements to some
families of a class.

Every current member keeps working: class memberships are unchanged; parents are asked once.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "key"),
    )
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_school_id"), ["school_id"], unique=False)

    op.create_table(
        "family_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("uses_left", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    with op.batch_alter_table("family_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_code_created_by"), ["created_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_family_code_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_family_code_school_id"), ["school_id"], unique=False)

    op.create_table(
        "guardian",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("decided_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "family_id"),
    )
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardian_decided_by"), ["decided_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_guardian_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_guardian_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_guardian_school_id"), ["school_id"], unique=False)

    op.create_table(
        "pupil",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("first_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("last_initial", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("languages", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("left_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["class_id"], ["school_class.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pupil", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pupil_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pupil_external_id"), ["external_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pupil_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pupil_school_id"), ["school_id"], unique=False)

    op.create_table(
        "join_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=True),
        sa.Column("typed_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("decided_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["class_id"], ["school_class.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("join_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_request_class_id"), ["class_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_join_request_decided_by"), ["decided_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_join_request_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_join_request_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_join_request_status"), ["status"], unique=False)

    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "pupil_ids",
                sqlmodel.sql.sqltypes.AutoString(length=4000),
                nullable=False,
                server_default="",
            )
        )

    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("family_asked_at", bot.models.base.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("family_asked_at")
        batch_op.drop_column("active_on")

    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.drop_column("pupil_ids")

    with op.batch_alter_table("join_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_request_status"))
        batch_op.drop_index(batch_op.f("ix_join_request_school_id"))
        batch_op.drop_index(batch_op.f("ix_join_request_member_id"))
        batch_op.drop_index(batch_op.f("ix_join_request_decided_by"))
        batch_op.drop_index(batch_op.f("ix_join_request_class_id"))

    op.drop_table("join_request")
    with op.batch_alter_table("pupil", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pupil_school_id"))
        batch_op.drop_index(batch_op.f("ix_pupil_family_id"))
        batch_op.drop_index(batch_op.f("ix_pupil_external_id"))
        batch_op.drop_index(batch_op.f("ix_pupil_class_id"))

    op.drop_table("pupil")
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardian_school_id"))
        batch_op.drop_index(batch_op.f("ix_guardian_member_id"))
        batch_op.drop_index(batch_op.f("ix_guardian_family_id"))
        batch_op.drop_index(batch_op.f("ix_guardian_decided_by"))

    op.drop_table("guardian")
    with op.batch_alter_table("family_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_code_school_id"))
        batch_op.drop_index(batch_op.f("ix_family_code_family_id"))
        batch_op.drop_index(batch_op.f("ix_family_code_created_by"))

    op.drop_table("family_code")
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_school_id"))

    op.drop_table("family")
