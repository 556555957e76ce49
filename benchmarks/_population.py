"""Shared by the benchmark scripts: a throw-away SQLite or PostgreSQL database holding the demo
industry (``cyberdelta.benchmark.demo``) of N exchanges × the built-in catalog × 2 cycles."""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from cyberdelta.benchmark.demo import populate
from cyberdelta.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.db.migrate import upgrade

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    name = f"cyberdelta_bench_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(url: str, orgs: int) -> tuple[list[int], list[int], float]:
    """Migrate, load the demo population without computing benchmarks; returns ids and seconds."""
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    with transaction(make_session_factory(engine)) as session:
        result = populate(session, orgs=orgs, cycles=2, recompute_benchmarks=False)
    engine.dispose()
    return result.organisations, result.cycles, time.perf_counter() - started
