"""a Japanese title for each intel collection

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 04:30:00

``intel_collection.title_ja``: the pages in Japanese show it instead of the TAXII title (TAXII 2.1
§5.2 has one ``title``, which clients keep seeing). Existing collections get an empty one, which
the pages read as "the same title in both languages".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intel_collection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_ja", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("intel_collection", schema=None) as batch_op:
        batch_op.drop_column("title_ja")
