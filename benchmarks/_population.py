"""Shared by the benchmark scripts: a throw-away SQLite or PostgreSQL database holding the demo
industry (``cyberdelta.benchmark.demo``) of N exchanges × the built-in catalog × 2 cycles."""

from __future__ import annotations

import time

from cyberdelta.benchmark.demo import populate
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.platform.db.migrate import upgrade


def build(url: str, orgs: int) -> tuple[list[int], list[int], float]:
    """Migrate, load the demo population without computing benchmarks; returns ids and seconds."""
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    with transaction(make_session_factory(engine)) as session:
        result = populate(session, orgs=orgs, cycles=2, recompute_benchmarks=False)
    engine.dispose()
    return result.organisations, result.cycles, time.perf_counter() - started
