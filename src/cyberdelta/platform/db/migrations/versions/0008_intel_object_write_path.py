"""intel object write path: ids compared byte by byte, collection checked once per envelope

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 21:40:00

* STIX ids and collection UUIDs are ASCII identifiers: PostgreSQL's "C" collation orders them
  exactly as the locale did, without a ``strcoll`` call per comparison in the (collection, id,
  version) index. SQLite compares text byte by byte already (BINARY).
* The foreign key from ``intel_object.collection_id`` to ``intel_collection`` ran a trigger for
  every stored row; the store now checks and row-locks the collection once per envelope
  (``cyberdelta.intel.store.lock_collection``). SQLite rebuilds the table to drop it.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_intel_object_collection_id_intel_collection"


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f'ALTER TABLE intel_object ALTER COLUMN collection_id TYPE VARCHAR(36) COLLATE "{collation}",'
        f' ALTER COLUMN stix_id TYPE VARCHAR(120) COLLATE "{collation}"'
    )


def upgrade() -> None:
    with op.batch_alter_table("intel_object", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
    _collate("C")


def downgrade() -> None:
    _collate("default")
    with op.batch_alter_table("intel_object", schema=None) as batch_op:
        batch_op.create_foreign_key(
            FOREIGN_KEY, "intel_collection", ["collection_id"], ["id"], ondelete="CASCADE"
        )
