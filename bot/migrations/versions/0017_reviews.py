"""Human review of translations (issue 19): reviewers per language, reviewed translations,
review requests and where they were shown, and whether a delivered copy was reviewed.
Existing data is untouched (every copy so far: not reviewed).

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.models.base.UTCDateTime


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "reviewer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("language", _string(8), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "language"),
    )
    _indexes("reviewer", "added_by", "member_id", "school_id")
    op.create_table(
        "reviewed_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_hash", _string(64), nullable=False),
        sa.Column("source_lang", _string(8), nullable=False),
        sa.Column("target_lang", _string(8), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["reviewed_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_hash", "source_lang", "target_lang"),
    )
    _indexes("reviewed_translation", "reviewed_by", "source_hash")
    op.create_table(
        "review_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("language", _string(8), nullable=False),
        sa.Column("source_hash", _string(64), nullable=False),
        sa.Column("status", _string(16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("decided_at", UTC(), nullable=True),
        sa.Column("release_at", UTC(), nullable=True),
        sa.Column("hold_until", UTC(), nullable=True),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("announcement_id", "language"),
    )
    _indexes("review_request", "announcement_id", "decided_by", "school_id")
    op.create_table(
        "review_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["review_request.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("review_notice", "member_id", "request_id")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("reviewed")
    for table in ("review_notice", "review_request", "reviewed_translation", "reviewer"):
        op.drop_table(table)
