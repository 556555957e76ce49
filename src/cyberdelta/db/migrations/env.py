"""Alembic environment: the engine comes from ``config.attributes`` (never from a global)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from cyberdelta.db.registry import metadata

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through cyberdelta.db.migrate, which supplies the engine")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
