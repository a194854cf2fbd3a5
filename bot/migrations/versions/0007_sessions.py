"""Server-side dashboard sessions, revocable (issue 14 §6).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The dashboard_session table: a session is a row, gone at logout, demotion or /forget."""
    op.create_table(
        "dashboard_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", bot.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", bot.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id_hash"),
    )
    op.create_index(
        op.f("ix_dashboard_session_member_id"), "dashboard_session", ["member_id"], unique=False
    )
    op.create_index(
        op.f("ix_dashboard_session_school_id"), "dashboard_session", ["school_id"], unique=False
    )
    op.create_index(
        op.f("ix_dashboard_session_expires_at"), "dashboard_session", ["expires_at"], unique=False
    )


def downgrade() -> None:
    """Drop the sessions (everyone signs in again with a new link)."""
    op.drop_index(op.f("ix_dashboard_session_expires_at"), table_name="dashboard_session")
    op.drop_index(op.f("ix_dashboard_session_school_id"), table_name="dashboard_session")
    op.drop_index(op.f("ix_dashboard_session_member_id"), table_name="dashboard_session")
    op.drop_table("dashboard_session")
