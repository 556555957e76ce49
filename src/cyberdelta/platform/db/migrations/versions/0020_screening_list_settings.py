"""address screening: which list sources apply, per organisation

Revision ID: 0020_screening_list_settings
Revises: 0019b_signing_wallets
Create Date: 2026-12-03 11:50:00

``screening_list_settings`` keeps, per organisation, the list sources it excluded from its
screening (no row: every source applies) (docs/screening.md, "Which lists apply").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberdelta.platform.db.base import UTCDateTime

revision = "0020_screening_list_settings"
down_revision = "0020_exercise_scenarios"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_list_settings",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("excluded_sources", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_screening_list_settings_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["user_account.id"],
            name=op.f("fk_screening_list_settings_updated_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_screening_list_settings")),
    )


def downgrade() -> None:
    op.drop_table("screening_list_settings")
