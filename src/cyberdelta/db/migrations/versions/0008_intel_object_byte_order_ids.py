"""intel object ids compared byte by byte (PostgreSQL "C" collation)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 21:40:00

STIX ids and collection UUIDs are ASCII identifiers: PostgreSQL's "C" collation orders them exactly
as the locale did, without a ``strcoll`` call per comparison in the (collection, id, version)
index. SQLite compares text byte by byte already (BINARY), so nothing changes there.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f'ALTER TABLE intel_object ALTER COLUMN collection_id TYPE VARCHAR(36) COLLATE "{collation}",'
        f' ALTER COLUMN stix_id TYPE VARCHAR(120) COLLATE "{collation}"'
    )


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate("default")
