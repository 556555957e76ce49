"""Assessment tables (docs/assessment.md): risk profile, cycle, assessment, response, evidence, plan,
events, jobs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:09:23.906365
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cyberdelta.platform.db.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("created_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_assessment_evidence_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_evidence_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_evidence")),
    )
    with op.batch_alter_table("assessment_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_evidence_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "assessment_risk_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_risk_profile_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_risk_profile")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_assessment_risk_profile_organisation_id")),
    )
    op.create_table(
        "assessment_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("catalog_version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["catalog_version_id"],
            ["catalog_version.id"],
            name=op.f("fk_assessment_cycle_catalog_version_id_catalog_version"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_cycle")),
        sa.UniqueConstraint("name", name=op.f("uq_assessment_cycle_name")),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column(
            "targets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("signed_off_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_off_by_user_id", sa.Integer(), nullable=True),
        sa.Column("signed_off_by_name", sa.String(length=200), nullable=True),
        sa.Column(
            "snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["assessment_cycle.id"],
            name=op.f("fk_assessment_cycle_id_assessment_cycle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_previous_id_assessment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["signed_off_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_assessment_signed_off_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
        sa.UniqueConstraint(
            "organisation_id", "cycle_id", "revision", name=op.f("uq_assessment_organisation_id")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_assessment_uuid")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "assessment_improvement_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=50), nullable=False),
        sa.Column("gap_kind", sa.String(length=20), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["assessment_cycle.id"],
            name=op.f("fk_assessment_improvement_item_cycle_id_assessment_cycle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_improvement_item_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_improvement_item")),
        sa.UniqueConstraint(
            "organisation_id",
            "cycle_id",
            "control_id",
            name=op.f("uq_assessment_improvement_item_organisation_id"),
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_assessment_improvement_item_uuid")),
    )
    with op.batch_alter_table("assessment_improvement_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_improvement_item_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "assessment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("occurred_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_event_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_assessment_event_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_event")),
    )
    with op.batch_alter_table("assessment_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_event_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "assessment_report_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_report_job_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_report_job_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_report_job")),
    )
    with op.batch_alter_table("assessment_report_job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_report_job_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "assessment_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.String(length=200), nullable=False),
        sa.Column("maturity", sa.Integer(), nullable=True),
        sa.Column("not_applicable", sa.Boolean(), nullable=False),
        sa.Column("na_reason", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("target_override", sa.Integer(), nullable=True),
        sa.Column("target_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "maturity IS NULL OR (maturity >= 0 AND maturity <= 5)",
            name=op.f("ck_assessment_response_maturity_range"),
        ),
        sa.CheckConstraint(
            "target_override IS NULL OR (target_override >= 0 AND target_override <= 5)",
            name=op.f("ck_assessment_response_target_range"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_response_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_assessment_response_updated_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_response")),
        sa.UniqueConstraint("assessment_id", "control_id", name=op.f("uq_assessment_response_assessment_id")),
    )
    with op.batch_alter_table("assessment_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_response_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "assessment_evidence_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["assessment_evidence.id"],
            name=op.f("fk_assessment_evidence_use_evidence_id_assessment_evidence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["assessment_response.id"],
            name=op.f("fk_assessment_evidence_use_response_id_assessment_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_evidence_use")),
        sa.UniqueConstraint(
            "response_id", "evidence_id", name=op.f("uq_assessment_evidence_use_response_id")
        ),
    )
    with op.batch_alter_table("assessment_evidence_use", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_evidence_use_evidence_id"), ["evidence_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_evidence_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_evidence_use_evidence_id"))

    op.drop_table("assessment_evidence_use")
    with op.batch_alter_table("assessment_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_response_assessment_id"))

    op.drop_table("assessment_response")
    with op.batch_alter_table("assessment_report_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_report_job_organisation_id"))

    op.drop_table("assessment_report_job")
    with op.batch_alter_table("assessment_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_event_assessment_id"))

    op.drop_table("assessment_event")
    with op.batch_alter_table("assessment_improvement_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_improvement_item_organisation_id"))

    op.drop_table("assessment_improvement_item")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_organisation_id"))

    op.drop_table("assessment")
    op.drop_table("assessment_cycle")
    op.drop_table("assessment_risk_profile")
    with op.batch_alter_table("assessment_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_evidence_organisation_id"))

    op.drop_table("assessment_evidence")
