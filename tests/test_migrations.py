"""The Alembic migrations produce exactly the schema the models declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from cyberdelta.db.migrate import current_revision, head_revision
from cyberdelta.db.registry import metadata


def test_database_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_stix_ids_compare_byte_by_byte(engine: Engine) -> None:
    """Object ids and collection ids in the intel index use byte order (no locale ``strcoll``)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            collations: dict[str, str] = dict(
                connection.execute(
                    text(
                        "SELECT column_name, collation_name FROM information_schema.columns"
                        " WHERE table_name = 'intel_object' AND column_name IN ('stix_id', 'collection_id')"
                    )
                ).all()
            )
            assert collations == {"stix_id": "C", "collection_id": "C"}
        else:  # SQLite: BINARY, its default, unless a column declares another collation
            table = connection.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'intel_object'"))
            assert "COLLATE" not in str(table).upper()
