"""catalog tables

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:48:20.091527
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cyberdelta.platform.db.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "catalog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_ja", sa.Text(), nullable=True),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("created_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog")),
        sa.UniqueConstraint("key", name=op.f("uq_catalog_key")),
    )
    op.create_table(
        "catalog_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalog_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("oscal_uuid", sa.String(length=36), nullable=False),
        sa.Column("oscal_version", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_ja", sa.Text(), nullable=True),
        sa.Column(
            "metadata_json",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "params_json",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "back_matter_json",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "extra_json",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("control_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["catalog_id"],
            ["catalog.id"],
            name=op.f("fk_catalog_version_catalog_id_catalog"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_version")),
        sa.UniqueConstraint("catalog_id", "version", name=op.f("uq_catalog_version_catalog_id")),
    )
    op.create_table(
        "catalog_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("oscal_id", sa.String(length=200), nullable=True),
        sa.Column("group_class", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_ja", sa.Text(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column(
            "body_json",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["catalog_group.id"],
            name=op.f("fk_catalog_group_parent_id_catalog_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalog_version.id"],
            name=op.f("fk_catalog_group_version_id_catalog_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_group")),
    )
    with op.batch_alter_table("catalog_group", schema=None) as batch_op:
        batch_op.create_index(
            "ix_catalog_group_version_parent", ["version_id", "parent_id", "position"], unique=False
        )

    op.create_table(
        "catalog_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("parent_control_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("oscal_id", sa.String(length=200), nullable=False),
        sa.Column("control_class", sa.String(length=200), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_ja", sa.Text(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("statement_ja", sa.Text(), nullable=True),
        sa.Column("guidance", sa.Text(), nullable=False),
        sa.Column("guidance_ja", sa.Text(), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column(
            "body_json",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["catalog_group.id"],
            name=op.f("fk_catalog_control_group_id_catalog_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_control_id"],
            ["catalog_control.id"],
            name=op.f("fk_catalog_control_parent_control_id_catalog_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalog_version.id"],
            name=op.f("fk_catalog_control_version_id_catalog_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_control")),
        sa.UniqueConstraint("version_id", "oscal_id", name=op.f("uq_catalog_control_version_id")),
    )
    with op.batch_alter_table("catalog_control", schema=None) as batch_op:
        batch_op.create_index(
            "ix_catalog_control_version_group", ["version_id", "group_id", "position"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("catalog_control", schema=None) as batch_op:
        batch_op.drop_index("ix_catalog_control_version_group")

    op.drop_table("catalog_control")
    with op.batch_alter_table("catalog_group", schema=None) as batch_op:
        batch_op.drop_index("ix_catalog_group_version_parent")

    op.drop_table("catalog_group")
    op.drop_table("catalog_version")
    op.drop_table("catalog")
