"""The Alembic migrations produce exactly the schema the models declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from cyberdelta.db.migrate import current_revision, head_revision
from cyberdelta.db.registry import metadata


def test_database_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []
