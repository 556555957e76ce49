"""intel sightings indexed by the object they sighted

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 03:30:00

The feed shows, next to each indicator, how many visible sightings name it as ``sighting_of_ref``
(STIX 2.1 §5.2). That was a text search through the stored JSON of every sighting in the reader's
collections, once per page; ``intel_object.sighting_of_ref`` now holds the reference of each
sighting (empty for every other type) under a partial index, and the count is an index lookup.
Sightings stored before are filled in from their JSON here.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEX = "ix_intel_object_sighting_of"
BATCH = 1000


def _reference_type() -> sa.types.TypeEngine[str]:
    return sa.String(length=120).with_variant(sa.String(length=120, collation="C"), "postgresql")


def _fill_in() -> None:
    connection = op.get_bind()
    objects = sa.table(
        "intel_object",
        sa.column("id", sa.Integer),
        sa.column("stix_type", sa.String),
        sa.column("body", sa.Text),
        sa.column("sighting_of_ref", sa.String),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(objects.c.id, objects.c.body)
            .where(objects.c.stix_type == "sighting", objects.c.id > last)
            .order_by(objects.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        updates = []
        for row_id, body in rows:
            reference = json.loads(body).get("sighting_of_ref")
            if isinstance(reference, str):
                updates.append({"row_id": row_id, "reference": reference})
        if updates:
            connection.execute(
                objects.update()
                .where(objects.c.id == sa.bindparam("row_id"))
                .values(sighting_of_ref=sa.bindparam("reference")),
                updates,
            )
        last = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("intel_object", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sighting_of_ref", _reference_type(), nullable=True))
    _fill_in()
    op.create_index(
        INDEX,
        "intel_object",
        ["sighting_of_ref", "collection_id"],
        unique=False,
        sqlite_where=sa.text("sighting_of_ref IS NOT NULL"),
        postgresql_where=sa.text("sighting_of_ref IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="intel_object")
    with op.batch_alter_table("intel_object", schema=None) as batch_op:
        batch_op.drop_column("sighting_of_ref")
