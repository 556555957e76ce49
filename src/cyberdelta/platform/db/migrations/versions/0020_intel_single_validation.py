"""intelligence hub: one validation setting (stix2-validator's verdict), no per-envelope choice

Revision ID: 0020_intel_single_validation
Revises: 0019b_signing_wallets
Create Date: 2026-12-03 12:00:00

Full validation is fast enough to be the only setting (docs/intel.md, "Validation"): a held
envelope no longer records which validation it asked for.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_intel_single_validation"
down_revision = "0020_catalog_mappings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intel_pending_envelope") as batch:
        batch.drop_column("full_validation")


def downgrade() -> None:
    with op.batch_alter_table("intel_pending_envelope") as batch:
        batch.add_column(sa.Column("full_validation", sa.Boolean(), nullable=False, server_default=sa.true()))
