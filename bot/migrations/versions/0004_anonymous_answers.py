"""Anonymous free-text answers awaited in the database without a member id (issue 14 §2), poll participation that survives /forget (§5).

`poll_writing` remembers that a parent's own words are awaited after "Something else", keyed by
HMAC(server secret, chat + member): a restart keeps the question and the answer stays anonymous.
Participation records (`poll_participation`) are unchanged: they were already keyed by the
Telegram user id through the HMAC, and /forget no longer deletes them.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "poll_writing",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("chosen", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("expires", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("poll_writing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_writing_poll_id"), ["poll_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("poll_writing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_writing_poll_id"))
    op.drop_table("poll_writing")
