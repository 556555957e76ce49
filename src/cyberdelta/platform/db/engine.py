"""Engine and session factory built from :class:`~cyberdelta.platform.settings.Settings`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.after_commit import install as install_after_commit

# SQLite copies the write-ahead log into the database (a checkpoint, with two fsyncs) once the log
# holds this many pages. At SQLite's default of 1,000 pages (4 MB) a TAXII envelope of 1,000 objects,
# which dirties most leaf pages of the (collection, id, version) index, checkpointed on nearly every
# commit, and index pages were copied again and again: a third of the time to store it. At 10,000
# pages (40 MB) each page is copied once per checkpoint; the log file is cut back to 64 MB after one.
WAL_AUTOCHECKPOINT_PAGES = 10_000
JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024
# Page cache per connection, in KiB (SQLite's default is 2 MiB). The indexes of a collection of
# 100,000 STIX objects take about 25 MB; with a cache that holds them, storing an envelope no longer
# reads most index pages back from the file (about a fifth faster, measured at 100,000 objects).
# Memory is taken as pages are read, up to this much per pooled connection.
CACHE_SIZE_KIB = 64 * 1024


def json_text(value: Any) -> str:
    """JSON columns' serialiser: orjson (a TAXII status of 1,000 objects in a tenth of the time of
    the standard library's); integer keys become strings, as with ``json.dumps``."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


JSON_CODEC: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": orjson.loads}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")
    cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}")
    cursor.close()


def _sqlite_begin_before_savepoint(connection: Connection, _name: str | None) -> None:
    """Open the transaction before a SAVEPOINT that would otherwise be its first statement.

    Python's sqlite3 module (before 3.12's ``autocommit``) sends ``BEGIN`` only ahead of an INSERT,
    UPDATE or DELETE. A SAVEPOINT sent outside a transaction starts one itself (SQLite's
    "SAVEPOINT" documentation: it then behaves as ``BEGIN DEFERRED``), and releasing it commits
    everything at once, before the session commits: work inside ``Session.begin_nested()`` that
    was the transaction's first write survived a later rollback of the whole unit of work.
    """
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        driver.execute("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout on every connection,
    and savepoints that stay inside the session's transaction."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **JSON_CODEC)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    # psycopg prepares a statement after 5 executions and PostgreSQL then reuses a generic plan; a plan
    # made while a table was small (seq scan) stays after it has grown. The intel hub's bulk writes
    # slowed from 0.1 s to 3 s per envelope that way, so plans are made per execution.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"prepare_threshold": None},
        **JSON_CODEC,
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit and run :func:`after_commit` work."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    install_after_commit(factory)
    return factory


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back entirely on any error; work registered
    with :func:`~cyberdelta.platform.db.after_commit.after_commit` runs after the commit."""
    with factory() as session, session.begin():
        yield session
