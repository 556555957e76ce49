"""intel object ids have one owner within the hub

Revision ID: 0019_intel_ownership
Revises: 0018_catalog_profiles
Create Date: 2026-12-03 08:10:00

``intel_object_owner``: the organisation that first stored a STIX id owns it (docs/intel.md,
"Ownership"); only the owner adds versions, revokes or deletes. Existing ids are given to the
publisher of their earliest stored version.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_intel_ownership"
down_revision = "0018_catalog_profiles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intel_object_owner",
        sa.Column(
            "stix_id",
            sa.String(120).with_variant(sa.String(120, collation="C"), "postgresql"),
            primary_key=True,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
    )
    op.execute(
        "INSERT INTO intel_object_owner (stix_id, organisation_id)"
        " SELECT o.stix_id, MIN(o.publisher_organisation_id) FROM intel_object o"
        " WHERE o.date_added_us = (SELECT MIN(i.date_added_us) FROM intel_object i"
        " WHERE i.stix_id = o.stix_id) GROUP BY o.stix_id"
    )


def downgrade() -> None:
    op.drop_table("intel_object_owner")
