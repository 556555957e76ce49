"""Processes that start together on one new database take turns to migrate and prepare it
(docs/deployment.md, "Order of operations"): without the schema lock two of three ``cyberdelta serve`` started
at once failed on SQLite ("database is locked", or the built-in catalog loaded twice) and on
PostgreSQL (the same tables created twice)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from cyberdelta.catalog.models import CatalogVersion
from cyberdelta.platform.db.engine import make_engine
from cyberdelta.platform.db.migrate import current_revision, head_revision
from tests.conftest import POSTGRES_SERVER, TEST_SECRET, _admin_engine

PREPARE = (
    "from cyberdelta import capabilities\n"
    "from cyberdelta.platform.settings import Settings\n"
    "capabilities.prepared_engine(Settings()).dispose()\n"
)


@pytest.fixture
def new_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's backend, no table in it yet."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'new.sqlite3'}"
        return
    name = f"cyberdelta_lock_{os.getpid()}_{secrets.token_hex(4)}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_three_processes_starting_at_once_on_a_new_database_all_succeed(
    new_database: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "CYBERDELTA_DATABASE_URL": new_database,
        "CYBERDELTA_DATA_DIR": str(tmp_path / "data"),
        "CYBERDELTA_SECRET_KEY": TEST_SECRET,
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PREPARE], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=180)[0].decode() for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], "\n".join(outputs)
    engine = make_engine(new_database)
    try:
        assert current_revision(engine) == head_revision(engine)
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(CatalogVersion)).scalar_one() == 1
    finally:
        engine.dispose()
