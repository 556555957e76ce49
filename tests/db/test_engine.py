"""Engines made from settings: what every connection is set up with, on each backend."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.db.engine import CACHE_SIZE_KIB, JOURNAL_SIZE_LIMIT_BYTES, WAL_AUTOCHECKPOINT_PAGES
from cyberdelta.intel.models import IntelStatus
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
