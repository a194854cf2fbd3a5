"""Several schools on one server; invitations with own text, options and map; thank-you polls;
schools' own polls, and every poll's definition frozen with it; dashboard login links.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite keeps 0001's unique constraints without a name: batch mode names them by this convention.
NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_member_unique() -> str:
    """The name 0001's UNIQUE (telegram_id) got: PostgreSQL's own, or the convention above."""
    if op.get_bind().dialect.name == "postgresql":
        return "member_telegram_id_key"
    return "uq_member_telegram_id"


def upgrade() -> None:
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key", sa.String(length=32), nullable=False, server_default="default")
        )
        batch_op.create_unique_constraint("uq_school_key", ["key"])

    with op.batch_alter_table("member", schema=None, naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint(_old_member_unique(), type_="unique")
        batch_op.create_index(batch_op.f("ix_member_telegram_id"), ["telegram_id"], unique=False)
        batch_op.create_unique_constraint(
            "uq_member_school_id_telegram_id", ["school_id", "telegram_id"]
        )

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "description",
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("interpreter_offered", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        # Meetings created before this version get no thank-you poll they were never offered.
        batch_op.add_column(
            sa.Column("thank_you", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))

    op.create_table(
        "dashboard_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", bot.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", bot.models.UTCDateTime(), nullable=False),
        sa.Column("used_at", bot.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(
        op.f("ix_dashboard_login_member_id"), "dashboard_login", ["member_id"], unique=False
    )
    op.create_index(
        op.f("ix_dashboard_login_school_id"), "dashboard_login", ["school_id"], unique=False
    )
    op.create_table(
        "school_flow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("base", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("definition", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("launched", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_school_flow_created_by"), "school_flow", ["created_by"], unique=False)
    op.create_index(op.f("ix_school_flow_school_id"), "school_flow", ["school_id"], unique=False)

    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("definition", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_poll_event_id", ["event_id"])
        batch_op.create_foreign_key(
            "fk_poll_event_id_event", "event", ["event_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_constraint("fk_poll_event_id_event", type_="foreignkey")
        batch_op.drop_constraint("uq_poll_event_id", type_="unique")
        batch_op.drop_column("event_id")
        batch_op.drop_column("definition")
    op.drop_index(op.f("ix_school_flow_school_id"), table_name="school_flow")
    op.drop_index(op.f("ix_school_flow_created_by"), table_name="school_flow")
    op.drop_table("school_flow")
    op.drop_index(op.f("ix_dashboard_login_school_id"), table_name="dashboard_login")
    op.drop_index(op.f("ix_dashboard_login_member_id"), table_name="dashboard_login")
    op.drop_table("dashboard_login")

    with op.batch_alter_table("event", schema=None) as batch_op:
        for column in ("longitude", "latitude", "thank_you", "interpreter_offered", "description"):
            batch_op.drop_column(column)

    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_constraint("uq_member_school_id_telegram_id", type_="unique")
        batch_op.drop_index(batch_op.f("ix_member_telegram_id"))
        batch_op.create_unique_constraint(_old_member_unique(), ["telegram_id"])

    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_constraint("uq_school_key", type_="unique")
        batch_op.drop_column("key")
