"""intel hub tables

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:07:48.321299
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cyberdelta.platform.db.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intel_collection",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("default_tlp", sa.String(length=20), nullable=False),
        sa.Column("public_read", sa.Boolean(), nullable=False),
        sa.Column("members_read", sa.Boolean(), nullable=False),
        sa.Column("members_write", sa.Boolean(), nullable=False),
        sa.Column("created_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_collection")),
        sa.UniqueConstraint("alias", name=op.f("uq_intel_collection_alias")),
    )
    op.create_table(
        "intel_collection_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("can_read", sa.Boolean(), nullable=False),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collection.id"],
            name=op.f("fk_intel_collection_access_collection_id_intel_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_intel_collection_access_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_collection_access")),
        sa.UniqueConstraint(
            "collection_id", "organisation_id", name=op.f("uq_intel_collection_access_collection_id")
        ),
    )
    op.create_table(
        "intel_object",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("collection_id", sa.String(length=36), nullable=False),
        sa.Column("stix_id", sa.String(length=120), nullable=False),
        sa.Column("stix_type", sa.String(length=250), nullable=False),
        sa.Column("spec_version", sa.String(length=10), nullable=False),
        sa.Column("modified_us", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("date_added_us", sa.BigInteger(), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("tlp", sa.String(length=20), nullable=False),
        sa.Column("publisher_organisation_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collection.id"],
            name=op.f("fk_intel_object_collection_id_intel_collection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_object")),
        sa.UniqueConstraint(
            "collection_id", "stix_id", "modified_us", name=op.f("uq_intel_object_collection_id")
        ),
    )
    with op.batch_alter_table("intel_object", schema=None) as batch_op:
        batch_op.create_index(
            "ix_intel_object_collection_added", ["collection_id", "date_added_us", "id"], unique=False
        )

    op.create_table(
        "intel_status",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("collection_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("request_timestamp_us", sa.BigInteger(), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("success_count", sa.Integer(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("pending_count", sa.Integer(), nullable=False),
        sa.Column(
            "successes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "failures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collection.id"],
            name=op.f("fk_intel_status_collection_id_intel_collection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_status")),
    )


def downgrade() -> None:
    op.drop_table("intel_status")
    with op.batch_alter_table("intel_object", schema=None) as batch_op:
        batch_op.drop_index("ix_intel_object_collection_added")

    op.drop_table("intel_object")
    op.drop_table("intel_collection_access")
    op.drop_table("intel_collection")
