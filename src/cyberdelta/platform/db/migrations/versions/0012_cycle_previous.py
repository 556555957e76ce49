"""each cycle names the cycle it compares with

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 04:00:00

Year-over-year figures compared a cycle with the one opened before it (the next lower id), so a
thematic cycle opened between two annual ones became the annual cycle's comparison.
``assessment_cycle.previous_cycle_id`` names the comparison explicitly; existing cycles get the one
opened before each, which is what they compared with until now.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_assessment_cycle_previous_cycle_id_assessment_cycle"


def upgrade() -> None:
    with op.batch_alter_table("assessment_cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_cycle_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            FOREIGN_KEY, "assessment_cycle", ["previous_cycle_id"], ["id"], ondelete="SET NULL"
        )
    cycles = sa.table(
        "assessment_cycle", sa.column("id", sa.Integer), sa.column("previous_cycle_id", sa.Integer)
    )
    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.select(cycles.c.id).order_by(cycles.c.id))]
    for before, cycle_id in itertools.pairwise(ids):
        connection.execute(cycles.update().where(cycles.c.id == cycle_id).values(previous_cycle_id=before))


def downgrade() -> None:
    with op.batch_alter_table("assessment_cycle", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("previous_cycle_id")
