"""threat-led penetration tests: engagements, named people, providers, phases, encrypted deliverables

Revision ID: 0020_tlpt_engagements
Revises: 0019b_signing_wallets
Create Date: 2026-12-03 11:50:00

``tlpt_engagement`` (one test of one firm, its timeline rules and its wrapped data key),
``tlpt_member`` (the people named on it, by team), ``tlpt_provider`` (threat-intelligence and
red-team providers with their checks), ``tlpt_phase`` (start, deadline and end of each phase) and
``tlpt_deliverable`` (AES-GCM ciphertext only), ``tlpt_finding`` (CVSS 4.0, ATT&CK, the control and
the plan item it became) (docs/tlpt.md). The new organisation kind
``tlpt_provider`` and role ``tester`` are values of existing string columns: no change there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberdelta.platform.db.base import UTCDateTime

revision = "0020_tlpt_engagements"
down_revision = "0020_intel_status_new_count"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "tlpt_engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_name", sa.String(length=100), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=20), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("phase", sa.String(length=30), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("authority_signed_by", sa.Integer(), nullable=True),
        sa.Column("authority_signed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("firm_signed_by", sa.Integer(), nullable=True),
        sa.Column("firm_signed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        _fk("tlpt_engagement", "firm_id", "organisation", "CASCADE"),
        _fk("tlpt_engagement", "authority_id", "organisation", "CASCADE"),
        _fk("tlpt_engagement", "authority_signed_by", "user_account", "SET NULL"),
        _fk("tlpt_engagement", "firm_signed_by", "user_account", "SET NULL"),
        _fk("tlpt_engagement", "created_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tlpt_engagement")),
    )
    op.create_index(op.f("ix_tlpt_engagement_firm_id"), "tlpt_engagement", ["firm_id"])
    op.create_index(op.f("ix_tlpt_engagement_authority_id"), "tlpt_engagement", ["authority_id"])
    op.create_table(
        "tlpt_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=20), nullable=False),
        sa.Column("named_by", sa.Integer(), nullable=True),
        sa.Column("named_at", UTCDateTime(timezone=True), nullable=False),
        _fk("tlpt_member", "engagement_id", "tlpt_engagement", "CASCADE"),
        _fk("tlpt_member", "user_id", "user_account", "CASCADE"),
        _fk("tlpt_member", "organisation_id", "organisation", "CASCADE"),
        _fk("tlpt_member", "named_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tlpt_member")),
        sa.UniqueConstraint("engagement_id", "user_id", name=op.f("uq_tlpt_member_engagement_id")),
    )
    op.create_index(op.f("ix_tlpt_member_user_id"), "tlpt_member", ["user_id"])
    op.create_table(
        "tlpt_provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("selected_by", sa.Integer(), nullable=True),
        sa.Column("selected_at", UTCDateTime(timezone=True), nullable=False),
        _fk("tlpt_provider", "engagement_id", "tlpt_engagement", "CASCADE"),
        _fk("tlpt_provider", "organisation_id", "organisation", "CASCADE"),
        _fk("tlpt_provider", "selected_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tlpt_provider")),
        sa.UniqueConstraint("engagement_id", "kind", name=op.f("uq_tlpt_provider_engagement_id")),
    )
    op.create_table(
        "tlpt_phase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        _fk("tlpt_phase", "engagement_id", "tlpt_engagement", "CASCADE"),
        _fk("tlpt_phase", "completed_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tlpt_phase")),
        sa.UniqueConstraint("engagement_id", "phase", name=op.f("uq_tlpt_phase_engagement_id")),
    )
    op.create_table(
        "tlpt_deliverable",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=30), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("label_nonce", sa.LargeBinary(), nullable=False),
        sa.Column("label", sa.LargeBinary(), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", UTCDateTime(timezone=True), nullable=False),
        _fk("tlpt_deliverable", "engagement_id", "tlpt_engagement", "CASCADE"),
        _fk("tlpt_deliverable", "uploaded_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tlpt_deliverable")),
    )
    op.create_index(op.f("ix_tlpt_deliverable_engagement_id"), "tlpt_deliverable", ["engagement_id"])
    op.create_table(
        "tlpt_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("cvss_vector", sa.String(length=200), nullable=False),
        sa.Column("cvss_score", sa.Float(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("technique", sa.String(length=20), nullable=False),
        sa.Column("critical_function", sa.String(length=300), nullable=False),
        sa.Column("control_id", sa.String(length=200), nullable=False),
        sa.Column("found_maturity", sa.Integer(), nullable=False),
        sa.Column("self_assessed", sa.Integer(), nullable=True),
        sa.Column("plan_item_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        _fk("tlpt_finding", "engagement_id", "tlpt_engagement", "CASCADE"),
        _fk("tlpt_finding", "plan_item_id", "assessment_improvement_item", "SET NULL"),
        _fk("tlpt_finding", "created_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tlpt_finding")),
    )
    op.create_index(op.f("ix_tlpt_finding_engagement_id"), "tlpt_finding", ["engagement_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_tlpt_finding_engagement_id"), table_name="tlpt_finding")
    op.drop_table("tlpt_finding")
    op.drop_index(op.f("ix_tlpt_deliverable_engagement_id"), table_name="tlpt_deliverable")
    op.drop_table("tlpt_deliverable")
    op.drop_table("tlpt_phase")
    op.drop_table("tlpt_provider")
    op.drop_index(op.f("ix_tlpt_member_user_id"), table_name="tlpt_member")
    op.drop_table("tlpt_member")
    op.drop_index(op.f("ix_tlpt_engagement_authority_id"), table_name="tlpt_engagement")
    op.drop_index(op.f("ix_tlpt_engagement_firm_id"), table_name="tlpt_engagement")
    op.drop_table("tlpt_engagement")
