"""benchmark publications and coded figures

Revision ID: 0017_benchmark_disclosure
Revises: 0014
Create Date: 2026-12-03 06:40:00

``benchmark_publication``: each publication of a cycle's figures (or an attempt the
reconstruction audit refused) with its record of members and numbers; ``benchmark_figure.coded``
and ``.carried_from`` (docs/benchmark.md, "Disclosure control"). Figures stored before this
revision were computed by the earlier method (unrounded type-7 percentiles, exact ranks), so they
and the positions are removed; ``cyberdelta benchmark recompute`` makes a first publication.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import cyberdelta.platform.db.base

revision = "0017_benchmark_disclosure"
down_revision = "0016_screening_lists"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.execute("DELETE FROM benchmark_position")
    op.execute("DELETE FROM benchmark_figure")
    op.create_table(
        "benchmark_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("made", sa.Boolean(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("record", JSON, nullable=False),
        sa.Column("findings", JSON, nullable=False),
        sa.Column("audit_seconds", sa.Float(), nullable=False),
        sa.Column("made_at", cyberdelta.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["assessment_cycle.id"],
            name=op.f("fk_benchmark_publication_cycle_id_assessment_cycle"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benchmark_publication")),
        sa.UniqueConstraint("cycle_id", "number", name=op.f("uq_benchmark_publication_cycle_id")),
    )
    with op.batch_alter_table("benchmark_publication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_benchmark_publication_cycle_id"), ["cycle_id"], unique=False)
    with op.batch_alter_table("benchmark_figure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coded", JSON, nullable=True))
        batch_op.add_column(sa.Column("carried_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("benchmark_figure", schema=None) as batch_op:
        batch_op.drop_column("carried_from")
        batch_op.drop_column("coded")
    with op.batch_alter_table("benchmark_publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_benchmark_publication_cycle_id"))
    op.drop_table("benchmark_publication")
