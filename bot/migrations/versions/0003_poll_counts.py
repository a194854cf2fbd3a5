"""Poll counts per (poll, class, question, option), kept as answers are stored; indexes for the
respondents per class and the free-text answers of a poll.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Existing answers counted once (bot/polls/counts.py keeps the counts from then on).
BACKFILL = (
    "INSERT INTO poll_count (poll_id, class_id, question_id, option_id, n)"
    " SELECT a.poll_id, COALESCE(r.class_id, 0), a.question_id, COALESCE(a.option_id, ''),"
    " COUNT(*) FROM poll_answer a JOIN poll_response r ON r.id = a.response_id"
    " GROUP BY a.poll_id, 2, a.question_id, 4",
    "INSERT INTO poll_count (poll_id, class_id, question_id, option_id, n)"
    " SELECT a.poll_id, COALESCE(r.class_id, 0), a.question_id, '*',"
    " COUNT(DISTINCT a.response_id) FROM poll_answer a JOIN poll_response r ON r.id = a.response_id"
    " GROUP BY a.poll_id, 2, a.question_id",
)


def upgrade() -> None:
    op.create_table(
        "poll_count",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("option_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("poll_id", "class_id", "question_id", "option_id"),
    )
    with op.batch_alter_table("poll_response", schema=None) as batch_op:
        batch_op.create_index("ix_poll_response_poll_id_class_id", ["poll_id", "class_id"])
    with op.batch_alter_table("poll_answer", schema=None) as batch_op:
        batch_op.create_index("ix_poll_answer_poll_id_option_id", ["poll_id", "option_id"])
    for statement in BACKFILL:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("poll_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_answer_poll_id_option_id")
    with op.batch_alter_table("poll_response", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_response_poll_id_class_id")
    op.drop_table("poll_count")
