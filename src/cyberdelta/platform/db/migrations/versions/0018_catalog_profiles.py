"""catalog versions keep their import warnings, and a version resolved from a profile keeps it

Revision ID: 0018_catalog_profiles
Revises: 0014
Create Date: 2026-12-03 07:20:00

``catalog_version.warnings_json``: what the import accepted but reports, such as a ``#`` link to a
control that the document does not contain (a resolved baseline's ``related`` links; docs/
catalog.md, "Import warnings"). ``profile_json`` and ``source_version_id``: for a version built by
resolving an OSCAL profile, the profile document and the catalog version it selects from (docs/
catalog.md, "Profiles").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0018_catalog_profiles"
down_revision = "0017_benchmark_disclosure"
branch_labels = None
depends_on = None

JSON_VALUE = sa.JSON().with_variant(JSONB(), "postgresql")
FOREIGN_KEY = "fk_catalog_version_source_version_id_catalog_version"


def upgrade() -> None:
    with op.batch_alter_table("catalog_version", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("warnings_json", JSON_VALUE, nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(sa.Column("profile_json", JSON_VALUE, nullable=True))
        batch_op.add_column(sa.Column("source_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            FOREIGN_KEY, "catalog_version", ["source_version_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("catalog_version", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("source_version_id")
        batch_op.drop_column("profile_json")
        batch_op.drop_column("warnings_json")
