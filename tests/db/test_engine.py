"""Engines made from settings: what every connection is set up with, on each backend."""

from __future__ import annotations

from sqlalchemy import Engine

from cyberdelta.db.engine import JOURNAL_SIZE_LIMIT_BYTES, WAL_AUTOCHECKPOINT_PAGES

PRAGMAS = (
    "foreign_keys",
    "journal_mode",
    "busy_timeout",
    "synchronous",
    "wal_autocheckpoint",
    "journal_size_limit",
)


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
    }
