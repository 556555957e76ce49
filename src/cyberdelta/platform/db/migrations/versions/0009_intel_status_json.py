"""intel status details as JSON text, large values compressed with LZ4

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 01:00:00

A status resource (TAXII 2.1 §4.3.1) lists one detail per object of its envelope: 90 KB of JSON
for 1,000 objects, written once and only ever read back whole. On PostgreSQL:

* ``successes`` and ``failures`` become ``json`` (the text as sent, checked for syntax) instead of
  ``jsonb``, whose conversion to its binary form nothing here uses;
* they, and the objects of a held (``pending``) envelope, are compressed with LZ4 rather than the
  default pglz when the server has LZ4 (PostgreSQL 14 and later, built ``--with-lz4``): it
  compresses the same data several times faster.

Together that took the status row from about 4 to about 1 ms of PostgreSQL's time per envelope.
SQLite stores JSON as text already.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COMPRESSED = (
    ("intel_status", "successes"),
    ("intel_status", "failures"),
    ("intel_pending_envelope", "objects"),
)


def _has_lz4() -> bool:
    found = op.get_bind().scalar(
        sa.text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    )
    return bool(found)


def _set(json_type: str, compression: str) -> None:
    op.execute(
        f"ALTER TABLE intel_status ALTER COLUMN successes TYPE {json_type} USING successes::{json_type},"
        f" ALTER COLUMN failures TYPE {json_type} USING failures::{json_type}"
    )
    if _has_lz4():
        for table, column in COMPRESSED:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {compression}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _set("json", "lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _set("jsonb", "default")
