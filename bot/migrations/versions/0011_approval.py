"""Class links with approval (issue 17): where each join request was shown to the class's
teachers, so the first decision updates every teacher's copy. Existing data is untouched.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "join_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["join_request.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("join_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_notice_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("join_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_notice_request_id"))
    op.drop_table("join_notice")
