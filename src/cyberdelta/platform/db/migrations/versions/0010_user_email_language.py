"""the language of a member's e-mails

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 03:30:00

``user_account.email_language`` (``ja``, ``en`` or unset): deadline reminders go in the member's
language; without a choice they carry Japanese and then English, as every e-mail did before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_language", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email_language")
