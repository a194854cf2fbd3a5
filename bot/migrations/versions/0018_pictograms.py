"""Pictograms on announcements (issue 19).

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models  # noqa: F401

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "pictograms",
                sa.String(length=200),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.drop_column("pictograms")
