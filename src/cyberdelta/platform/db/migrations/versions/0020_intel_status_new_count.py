"""intel status resources count the versions an envelope stored

Revision ID: 0020_intel_status_new_count
Revises: 0019b_signing_wallets
Create Date: 2026-12-03 11:50:00

``intel_status.new_count``: of an envelope's successes (TAXII 2.1 §4.3.1), those stored by it; the
others were already stored, so that an import can say what was new, already present and refused
(docs/intel.md, "Imports"). NULL for status resources written before this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_intel_status_new_count"
down_revision = "0020_screening_list_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intel_status") as batch:
        batch.add_column(sa.Column("new_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intel_status") as batch:
        batch.drop_column("new_count")
