"""address screening: imported list versions and their entries

Revision ID: 0016_screening_lists
Revises: 0014
Create Date: 2026-12-03 07:10:00

``screening_list_version`` (one imported sanctions or address list, with its source, content hash,
published and imported dates and counts) and ``screening_entry`` (its addresses, matched by key
within a key space) (docs/screening.md, "Lists").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberdelta.platform.db.base import UTCDateTime

revision = "0016_screening_lists"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_list_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("imported_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by"],
            ["user_account.id"],
            name=op.f("fk_screening_list_version_imported_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_list_version")),
    )
    op.create_index(
        "ix_screening_list_version_source_imported", "screening_list_version", ["source", "imported_at"]
    )
    op.create_table(
        "screening_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=40), nullable=False),
        sa.Column("space", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("original", sa.String(length=300), nullable=False),
        sa.Column("entry_ref", sa.String(length=100), nullable=True),
        sa.Column("entry_name", sa.Text(), nullable=True),
        sa.Column("programme", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["screening_list_version.id"],
            name=op.f("fk_screening_entry_version_id_screening_list_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_entry")),
    )
    op.create_index("ix_screening_entry_space_key", "screening_entry", ["space", "key"])
    op.create_index(op.f("ix_screening_entry_version_id"), "screening_entry", ["version_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_screening_entry_version_id"), table_name="screening_entry")
    op.drop_index("ix_screening_entry_space_key", table_name="screening_entry")
    op.drop_table("screening_entry")
    op.drop_index("ix_screening_list_version_source_imported", table_name="screening_list_version")
    op.drop_table("screening_list_version")
