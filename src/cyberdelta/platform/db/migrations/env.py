"""Alembic environment: the engine comes from ``config.attributes`` (never from a global).

SQLite changes most table definitions by copying the table into a new one and dropping the old
(Alembic's batch mode). With foreign keys enforced, dropping a parent table deletes its children
through ``ON DELETE CASCADE`` (or fails on ``RESTRICT``), so a migration of ``intel_collection``
emptied ``intel_status``. SQLite's documented procedure for such changes ("Making Other Kinds Of
Table Schema Changes", sqlite.org/lang_altertable.html) is followed instead: foreign keys off
outside the transaction, the whole run in one explicit transaction (Python's sqlite3 module sends
no ``BEGIN`` before DDL), ``PRAGMA foreign_key_check`` before committing, foreign keys on again.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from cyberdelta.platform.db.base import Base

config = context.config
engine = config.attributes.get("engine")
# Every capability's tables are on the one declarative base once their models are imported
# (``cyberdelta.registry`` does that); applying migrations needs no metadata at all.
metadata = config.attributes.get("metadata", Base.metadata)
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through cyberdelta.platform.db.migrate, which supplies the engine")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if engine.dialect.name != "sqlite":
    with engine.begin() as connection:
        _run(connection)
else:
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
        connection.commit()
        try:
            with connection.begin():
                connection.exec_driver_sql("BEGIN")
                _run(connection)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migration left rows without their parent: {broken[:5]}")
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
