"""catalog mappings: imported OSCAL mapping collections and their control-to-item entries

Revision ID: 0020_catalog_mappings
Revises: 0019b_signing_wallets
Create Date: 2026-12-03 12:00:00

``catalog_mapping`` (one OSCAL 1.2 ``mapping-collection`` whose one side is a stored catalog
version, kept as imported) and ``catalog_mapping_entry`` (each control of that version related to
an item of the other side, such as a NIST CSF 2.0 subcategory) (docs/catalog.md, "Mappings").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from cyberdelta.platform.db.base import UTCDateTime

revision = "0020_catalog_mappings"
down_revision = "0020_tlpt_engagements"
branch_labels = None
depends_on = None

JSON_VALUE = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "catalog_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("oscal_uuid", sa.String(length=36), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_ja", sa.Text(), nullable=True),
        sa.Column("other_side", sa.Text(), nullable=False),
        sa.Column("csf", sa.Boolean(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("document_json", JSON_VALUE, nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalog_version.id"],
            name=op.f("fk_catalog_mapping_version_id_catalog_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_mapping")),
        sa.UniqueConstraint("version_id", "oscal_uuid", name=op.f("uq_catalog_mapping_version_id")),
    )
    op.create_index(op.f("ix_catalog_mapping_version_id"), "catalog_mapping", ["version_id"])
    op.create_table(
        "catalog_mapping_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mapping_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.String(length=200), nullable=False),
        sa.Column("other_id", sa.String(length=200), nullable=False),
        sa.Column("relationship", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["mapping_id"],
            ["catalog_mapping.id"],
            name=op.f("fk_catalog_mapping_entry_mapping_id_catalog_mapping"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_mapping_entry")),
    )
    op.create_index(
        "ix_catalog_mapping_entry_mapping_control", "catalog_mapping_entry", ["mapping_id", "control_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_catalog_mapping_entry_mapping_control", table_name="catalog_mapping_entry")
    op.drop_table("catalog_mapping_entry")
    op.drop_index(op.f("ix_catalog_mapping_version_id"), table_name="catalog_mapping")
    op.drop_table("catalog_mapping")
