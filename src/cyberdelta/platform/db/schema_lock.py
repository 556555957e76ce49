"""One process at a time migrates and prepares a database (docs/deployment.md, "Order of operations").

Every ``cyberdelta serve``, ``worker`` and command brings the schema to head and lets the
capabilities prepare the database (the built-in catalog) before it uses it. When several start
together on a new database they would each create the same tables and load the same catalog, and
all but one fail. :func:`schema_lock` makes them take turns: the first does the work, the others
wait, then find nothing left to do.

- PostgreSQL: a session-level advisory lock (PostgreSQL manual, "Advisory Locks",
  ``pg_advisory_lock``) on a connection of its own, held for the block.
- SQLite: an exclusive ``flock`` on ``<database file>.lock`` beside the database (POSIX
  ``flock(2)``); SQLite's own locking admits one writer at a time but not a sequence of
  transactions, which migrating and preparing are. An in-memory database belongs to one
  process and needs no lock.

The lock is not re-entrant across connections: take it once, around everything that migrates.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, text

# An arbitrary 64-bit key naming "the CyberDelta schema" among the database's advisory locks.
ADVISORY_KEY: Final = 0x43594245_52444C54  # "CYBERDLT"


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold the database's schema lock for the block (waits while another process holds it)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    path = Path(database).with_name(Path(database).name + ".lock")
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
