"""signing guard in the platform: wallets, proposed changes, checks

Revision ID: 0019b_signing_wallets
Revises: 0018_catalog_profiles
Create Date: 2026-12-03 08:05:00

``signing_wallet`` (a firm's registered Safe or Bitcoin keys with their policy), ``signing_proposal``
(a change waiting for a second approver) and ``signing_check`` (every transaction checked)
(docs/signing.md, "In the platform").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberdelta.platform.db.base import UTCDateTime

revision = "0019b_signing_wallets"
down_revision = "0019_intel_ownership"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "signing_wallet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        _fk("signing_wallet", "organisation_id", "organisation", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_wallet")),
    )
    op.create_index(op.f("ix_signing_wallet_organisation_id"), "signing_wallet", ["organisation_id"])
    op.create_table(
        "signing_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("wallet_id", sa.Integer(), nullable=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(timezone=True), nullable=True),
        _fk("signing_proposal", "organisation_id", "organisation", "CASCADE"),
        _fk("signing_proposal", "wallet_id", "signing_wallet", "CASCADE"),
        _fk("signing_proposal", "proposed_by", "user_account", "SET NULL"),
        _fk("signing_proposal", "approved_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_proposal")),
    )
    op.create_index(
        "ix_signing_proposal_organisation_status", "signing_proposal", ["organisation_id", "status"]
    )
    op.create_table(
        "signing_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("wallet_id", sa.Integer(), nullable=True),
        sa.Column("checked_by", sa.Integer(), nullable=True),
        sa.Column("checked_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("block_count", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        _fk("signing_check", "organisation_id", "organisation", "CASCADE"),
        _fk("signing_check", "wallet_id", "signing_wallet", "SET NULL"),
        _fk("signing_check", "checked_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_check")),
    )
    op.create_index(
        "ix_signing_check_organisation_checked", "signing_check", ["organisation_id", "checked_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_signing_check_organisation_checked", table_name="signing_check")
    op.drop_table("signing_check")
    op.drop_index("ix_signing_proposal_organisation_status", table_name="signing_proposal")
    op.drop_table("signing_proposal")
    op.drop_index(op.f("ix_signing_wallet_organisation_id"), table_name="signing_wallet")
    op.drop_table("signing_wallet")
