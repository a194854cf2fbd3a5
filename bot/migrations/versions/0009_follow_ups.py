"""Parents' follow-up messages reach the team (issue 15).

`conversation.notified_upto` / `notified_at` / `notify_due_at`: every parent message is notified
(throttled per conversation, held in quiet hours). Messages already in the database were handled
by the old rule, so existing conversations start with everything counted as notified.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notified_upto", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notified_at", bot.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("notify_due_at", bot.models.UTCDateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_conversation_notify_due_at"), ["notify_due_at"], unique=False
        )
    op.execute(
        "UPDATE conversation SET notified_upto = (SELECT max(inbox_message.id) FROM inbox_message"
        " WHERE inbox_message.conversation_id = conversation.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_notify_due_at"))
        batch_op.drop_column("notify_due_at")
        batch_op.drop_column("notified_at")
        batch_op.drop_column("notified_upto")
