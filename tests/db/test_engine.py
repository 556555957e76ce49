"""Engines made from settings: what every connection is set up with, on each backend."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.models import IntelStatus
from cyberdelta.platform.db.engine import (
    CACHE_SIZE_KIB,
    JOURNAL_SIZE_LIMIT_BYTES,
    WAL_AUTOCHECKPOINT_PAGES,
    transaction,
)
from cyberdelta.tenancy.models import User
from tests.intel.stix_factories import make_hub

PRAGMAS = (
    "foreign_keys", "journal_mode", "busy_timeout", "synchronous", "wal_autocheckpoint", "journal_size_limit",
    "cache_size",
)  # fmt: skip


def test_every_connection_gets_the_backends_settings(engine: Engine) -> None:
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        if engine.dialect.name == "postgresql":
            # Plans are made per execution: a generic plan made on a small table outlived its growth.
            assert driver.prepare_threshold is None  # type: ignore[union-attr]
            return
        pragmas = {
            name: driver.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[union-attr]
            for name in PRAGMAS
        }
    assert pragmas == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "busy_timeout": 10000,
        "synchronous": 1,  # NORMAL: durable at checkpoints, consistent always (WAL)
        "wal_autocheckpoint": WAL_AUTOCHECKPOINT_PAGES,
        "journal_size_limit": JOURNAL_SIZE_LIMIT_BYTES,
        "cache_size": -CACHE_SIZE_KIB,  # negative: KiB rather than pages
    }


def test_json_columns_round_trip_through_the_serialiser(session_factory: sessionmaker[Session]) -> None:
    """JSON columns keep Japanese text, nesting and numbers; integer keys come back as strings."""
    hub = make_hub(session_factory)
    details = [{"id": "indicator--1", "message": "不正なアドレス", "nested": {"n": [1, 2.5, None]}, 7: True}]
    with session_factory() as session, session.begin():
        status = IntelStatus(
            id="status-1", collection_id=hub.collection_id, organisation_id=None, status="complete",
            request_timestamp_us=0, total_count=1, success_count=0, failure_count=1, pending_count=0,
            successes=[], failures=details,
        )  # fmt: skip
        session.add(status)
    with session_factory() as session:
        stored = session.get(IntelStatus, "status-1")
        assert stored is not None
        assert stored.failures == [
            {"id": "indicator--1", "message": "不正なアドレス", "nested": {"n": [1, 2.5, None]}, "7": True}
        ]


class AbandonedError(Exception):
    pass


def test_a_savepoint_released_as_the_first_write_is_undone_with_its_transaction(
    session_factory: sessionmaker[Session],
) -> None:
    """A unit of work that fails after a released savepoint leaves nothing behind, even when the
    savepoint held its first write (SQLite's driver sent no BEGIN before a SAVEPOINT)."""
    with pytest.raises(AbandonedError), transaction(session_factory) as session:
        session.scalar(select(func.count()).select_from(User))  # a read first, as services do
        with session.begin_nested():
            session.add(User(email="inner@example.jp", display_name="inner", user_handle="h-inner"))
        session.add(User(email="outer@example.jp", display_name="outer", user_handle="h-outer"))
        session.flush()
        raise AbandonedError
    with session_factory() as session:
        assert session.scalars(select(User.email)).all() == []
