"""Read-aloud preference and voice copies (issue 19).

`member.read_aloud`: the parent asked for voice messages (existing members: no).
`delivery.voice`: where an announcement copy's voice message is (old rows: never asked), and
`delivery.voice_message_id`: the one sent last (an edited copy gets a new one instead).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models  # noqa: F401

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("read_aloud", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("voice", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.add_column(sa.Column("voice_message_id", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_delivery_voice"), ["voice"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_voice"))
        batch_op.drop_column("voice_message_id")
        batch_op.drop_column("voice")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("read_aloud")
