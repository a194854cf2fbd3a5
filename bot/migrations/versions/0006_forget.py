"""/forget and retention leave nothing derived from the person (issue 14 §4).

Cached translations get the hash of their source text, so that deleting a text deletes its
translations. Rows cached before this revision cannot be traced to their text: they are dropped
(a cache: what is needed again is translated again); everything else stays as it was.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM translation_cache")
    with op.batch_alter_table("translation_cache", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index("ix_translation_cache_source_hash", ["source_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("translation_cache", schema=None) as batch_op:
        batch_op.drop_index("ix_translation_cache_source_hash")
        batch_op.drop_column("source_hash")
