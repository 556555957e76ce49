"""signing proposals withdrawn or rejected (who closed them, when, why); the token a check came through

Revision ID: 0020_signing_proposal_decisions
Revises: 0019b_signing_wallets
Create Date: 2026-12-03 11:50:00

A pending ``signing_proposal`` is applied by a second approver, withdrawn by its proposer, or
rejected with a reason by another member (docs/signing.md, "Four eyes"); ``closed_by``,
``closed_at`` and ``reason`` record the last two. ``signing_check.token_id`` names the API token a
check came through, so that the record says who checked even for a token made at the console.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberdelta.platform.db.base import UTCDateTime

revision = "0020_signing_proposal_decisions"
down_revision = "0019b_signing_wallets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signing_proposal") as batch:
        batch.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_signing_proposal_closed_by_user_account"),
            "user_account",
            ["closed_by"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("signing_check") as batch:
        batch.add_column(sa.Column("token_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_signing_check_token_id_api_token"),
            "api_token",
            ["token_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("signing_check") as batch:
        batch.drop_constraint(op.f("fk_signing_check_token_id_api_token"), type_="foreignkey")
        batch.drop_column("token_id")
    with op.batch_alter_table("signing_proposal") as batch:
        batch.drop_constraint(op.f("fk_signing_proposal_closed_by_user_account"), type_="foreignkey")
        batch.drop_column("reason")
        batch.drop_column("closed_at")
        batch.drop_column("closed_by")
