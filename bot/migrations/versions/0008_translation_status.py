"""Translation status and the Dutch original beside translations (issue 15).

`school.dutch_below`: announcements show the Dutch original under the translation (on by
default, also for existing schools). `delivery.wanted`: the parent's own language when their copy
was made, so the report can say for which language a copy stayed in Dutch (old rows: unknown).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dutch_below", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wanted", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("wanted")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("dutch_below")
