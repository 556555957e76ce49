"""The suite's own promise: data tests run on a real database of each backend."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text


def test_each_backend_is_migrated_to_head(engine: Engine) -> None:
    assert engine.dialect.name in ("sqlite", "postgresql")
    tables = set(inspect(engine).get_table_names())
    assert {"alembic_version", "catalog", "catalog_version", "catalog_control"} <= tables


def test_sqlite_enforces_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
