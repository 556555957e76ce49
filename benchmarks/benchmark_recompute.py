"""Time to make a benchmark publication and to audit it (docs/benchmark.md, "Speed"):
1,000 exchanges × the built-in catalog × 2 cycles on each database, and the 30-firm industry.

    .venv/bin/python benchmarks/benchmark_recompute.py [--orgs 1000] [--backend sqlite|postgresql|both]

Goals, each printed: computing a publication (load the counted submissions, apply the rules, store
figures, positions and the record; the audit excluded) under 1 s; the reconstruction audit of that
publication (every figure, real HiGHS solves, with the earlier publication of the cycle) under
10 s; the audit of a 30-firm cycle under 1 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _databases import database
from _population import build

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark.history import History
from cyberdelta.benchmark.publication import publish, records
from cyberdelta.benchmark.reconstruction import audit
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction


def measure(url: str, orgs: int) -> None:
    _orgs, cycle_ids, load_seconds = build(url, orgs)
    backend = url.split(":", 1)[0]
    print(f"{backend:22s} population of {orgs} exchanges × 2 cycles loaded in {load_seconds:6.2f} s")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    for cycle_id in cycle_ids:
        for attempt in ("first", "second"):
            with transaction(factory) as session:
                cycle = session.get(Cycle, cycle_id)
                assert cycle is not None
                result = publish(session, cycle)
            published = sum(1 for row in result.outcome.figures if row["published"])
            print(
                f"{backend:22s} cycle {cycle_id}, {attempt} publication (made: {result.made}): "
                f"{published} of {len(result.outcome.figures)} figures, {len(result.outcome.positions)} "
                f"positions; computed in {result.compute_seconds:5.2f} s (goal < 1 s); audit of "
                f"{result.audit.figures} figures ({result.audit.programs} programs, {result.audit.solves} "
                f"solver runs, {len(result.withheld)} withheld) in {result.audit.seconds:5.2f} s "
                "(goal < 10 s)"
            )
    with transaction(factory) as session:
        started = time.perf_counter()
        history = History(records(session, cycle_ids[-1]))
        checked = audit(history)
        print(
            f"{backend:22s} `benchmark audit` of cycle {cycle_ids[-1]} "
            f"({len(history.records)} publications): "
            f"{'passed' if checked.passed else 'FAILED'}, {checked.solves} solver runs, "
            f"{time.perf_counter() - started:5.2f} s with reading the records"
        )
    engine.dispose()


def measure_small(url: str, orgs: int = 30) -> None:
    _orgs, cycle_ids, _seconds = build(url, orgs)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        cycle = session.get(Cycle, cycle_ids[-1])
        assert cycle is not None
        made = publish(session, cycle)
        result = audit(History(records(session, cycle.id)))
    print(
        f"{url.split(':', 1)[0]:22s} {orgs}-firm cycle: publication computed in "
        f"{made.compute_seconds:5.2f} s; "
        f"audit of {result.figures} figures ({result.solves} solver runs, "
        f"{'passed' if result.passed else 'FAILED'}) in {result.seconds:5.2f} s (goal < 1 s)"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args()
    for backend in ("sqlite", "postgresql"):
        if arguments.backend in (backend, "both"):
            with database(backend) as url:
                measure(url, arguments.orgs)
            with database(backend) as url:
                measure_small(url)


if __name__ == "__main__":
    main()
