"""exercise scenario library

Revision ID: 0020_exercise_scenarios
Revises: 0019b_signing_wallets
Create Date: 2026-12-03 12:00:00

``exercise_scenario`` (a scenario by key) and ``exercise_scenario_version`` (each imported version,
immutable, holding the checked scenario document) (docs/exercise.md, "Scenario library").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberdelta.platform.db.base import UTCDateTime

revision = "0020_exercise_scenarios"
down_revision = "0020_signing_proposal_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercise_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_ja", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_scenario")),
        sa.UniqueConstraint("key", name=op.f("uq_exercise_scenario_key")),
    )
    op.create_table(
        "exercise_scenario_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("inject_count", sa.Integer(), nullable=False),
        sa.Column("decision_count", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["exercise_scenario.id"],
            name=op.f("fk_exercise_scenario_version_scenario_id_exercise_scenario"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"],
            ["user_account.id"],
            name=op.f("fk_exercise_scenario_version_imported_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_scenario_version")),
        sa.UniqueConstraint("scenario_id", "version", name=op.f("uq_exercise_scenario_version_scenario_id")),
    )


def downgrade() -> None:
    op.drop_table("exercise_scenario_version")
    op.drop_table("exercise_scenario")
