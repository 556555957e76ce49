"""a session begun with a recovery code may enrol a new passkey for a while

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 22:50:00

``auth_session.recovery_enrol_until``: after signing in with a recovery code a person has no
passkey to step up with, so the session may enrol a new one until this time (docs/accounts.md,
"Recovery codes").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberdelta.platform.db.base import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recovery_enrol_until", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_column("recovery_enrol_until")
