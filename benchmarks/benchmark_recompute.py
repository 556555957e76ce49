"""Time to recompute every benchmark (issue #6: 1,000 exchanges × the built-in catalog × 2 cycles,
goal under 5 s on each database).

    .venv/bin/python benchmarks/benchmark_recompute.py [--orgs 1000] [--backend sqlite|postgresql|both]

Prints the seconds to load the population (not part of the goal) and to recompute each cycle and
all cycles: one query per cycle pulls (organisation, control, maturity) rows, figures and
positions are computed in Python and bulk-inserted in the same transaction.
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
from cyberdelta.benchmark.publication import recompute
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction


def measure(url: str, orgs: int) -> None:
    _orgs, cycle_ids, load_seconds = build(url, orgs)
    backend = url.split(":", 1)[0]
    print(f"{backend:22s} population of {orgs} exchanges × 2 cycles loaded in {load_seconds:6.2f} s")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    for cycle_id in cycle_ids:
        one = time.perf_counter()
        with transaction(factory) as session:
            cycle = session.get(Cycle, cycle_id)
            assert cycle is not None
            outcome = recompute(session, cycle)
        print(
            f"{backend:22s} cycle {cycle_id}: {len(outcome.figures)} figures, "
            f"{len(outcome.positions)} positions in {time.perf_counter() - one:6.2f} s"
        )
    print(f"{backend:22s} recompute every benchmark: {time.perf_counter() - started:6.2f} s (goal < 5 s)")
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


if __name__ == "__main__":
    main()
