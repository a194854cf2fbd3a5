"""Poll rows that tell an insider nothing beyond groups of k (issue 14 §3).

The poll keeps what was counted at launch (guardians invited, the batch size k, which classes and
languages may be stored); answers wait in `poll_pending` until k respondents are complete; the
day of every existing response becomes its poll's opening day.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPENING_DAY = {
    "sqlite": "UPDATE poll_response SET day = COALESCE((SELECT date(p.opened_at) FROM poll p"
    " WHERE p.id = poll_response.poll_id), day)",
    "postgresql": "UPDATE poll_response SET day = COALESCE((SELECT CAST(p.opened_at AS DATE)"
    " FROM poll p WHERE p.id = poll_response.poll_id), day)",
}


def upgrade() -> None:
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audience_at_launch", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("batch", sa.Integer(), nullable=False, server_default="5"))
        batch_op.add_column(sa.Column("shown", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_table(
        "poll_pending",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("option_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("text_nl", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("poll_pending", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_pending_poll_id"), ["poll_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_poll_pending_response_id"), ["response_id"], unique=False
        )
    statement = _OPENING_DAY.get(op.get_bind().dialect.name)
    if statement:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("poll_pending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_pending_response_id"))
        batch_op.drop_index(batch_op.f("ix_poll_pending_poll_id"))
    op.drop_table("poll_pending")
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_column("shown")
        batch_op.drop_column("batch")
        batch_op.drop_column("audience_at_launch")
