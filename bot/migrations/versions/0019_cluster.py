"""City scale (issue 20): processes, school leases and the webhook updates waiting for their
owner. New tables only; existing data is untouched.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.models.base.UTCDateTime


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "cluster_process",
        sa.Column("id", _string(100), nullable=False),
        sa.Column("address", _string(200), nullable=True),
        sa.Column("started_at", UTC(), nullable=False),
        sa.Column("seen_at", UTC(), nullable=False),
        sa.Column("stopping", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_cluster_process_seen_at"), "cluster_process", ["seen_at"])
    op.create_table(
        "school_lease",
        sa.Column("school_key", _string(32), nullable=False),
        sa.Column("owner", _string(100), nullable=True),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTC(), nullable=True),
        sa.Column("acquired_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("school_key"),
    )
    op.create_index(op.f("ix_school_lease_owner"), "school_lease", ["owner"])
    op.create_table(
        "webhook_update",
        sa.Column("school_key", _string(32), nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("received_at", UTC(), nullable=False),
        sa.Column("handled_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("school_key", "update_id"),
    )
    op.create_index(
        "ix_webhook_update_waiting", "webhook_update", ["school_key", "handled_at", "update_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_update_waiting", table_name="webhook_update")
    op.drop_table("webhook_update")
    op.drop_index(op.f("ix_school_lease_owner"), table_name="school_lease")
    op.drop_table("school_lease")
    op.drop_index(op.f("ix_cluster_process_seen_at"), table_name="cluster_process")
    op.drop_table("cluster_process")
