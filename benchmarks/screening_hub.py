"""What the hub's indicators cost a screening decision (docs/screening.md, "Hub indicators").

Publishes ``--indicators`` wallet-address indicators (GREEN, AMBER and AMBER+STRICT, one address
each, through the hub's own store) and screens one address at a time in-process, each decision a
real one (its own transaction and audit entry): without the live source (the floor), with it on
the first read (every indicator's pattern read and normalised), and with it afterwards (the kept
list, checked against the hub's fingerprint on every decision). Prints p50/p99 per case.

    PYTHONPATH=src python benchmarks/screening_hub.py [--indicators 10000] [--decisions 500]
        [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _databases import database

from cyberdelta.intel import service as intel
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.publishing import publish
from cyberdelta.intel.screening_source import HubIndicators
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Reader, Tlp
from cyberdelta.intel.wallet import address_pattern
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.platform.db.migrate import upgrade
from cyberdelta.screening.service import Screening, screen
from cyberdelta.screening.sources.live import LiveSource
from cyberdelta.tenancy import service as tenancy
from screening import evm_lower

LEVELS = (Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT)


def indicators(addresses: Sequence[str]) -> list[dict[str, object]]:
    stamp = "2026-11-01T09:00:00.000Z"
    return [
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid4()}",
            "created": stamp,
            "modified": stamp,
            "name": f"Stolen funds {address}",
            "pattern": address_pattern("ethereum", address),
            "pattern_type": "stix",
            "valid_from": stamp,
            "object_marking_refs": [TLP2_MARKING_IDS[LEVELS[index % len(LEVELS)]]],
        }
        for index, address in enumerate(addresses)
    ]


def timings(run: Callable[[], object], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def measure(url: str, count: int, decisions: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    listed = [evm_lower() for _ in range(count)]
    with transaction(factory) as session:
        publisher = tenancy.create_organisation(
            session, slug="bench-a", kind="exchange", name_ja="ベンチ A", name_en="Bench A"
        )
        reader = tenancy.create_organisation(
            session, slug="bench-b", kind="exchange", name_ja="ベンチ B", name_en="Bench B"
        )
        collection = intel.create_collection(session, title="Bench feed")
        caller = Caller(reader=Reader(publisher.id, "exchange"), read=True, write=True)
        for start in range(0, count, 5000):
            publish(
                session,
                caller,
                collection,
                indicators(listed[start : start + 5000]),
                actor=Actor.console(),
            )
        reader_id = reader.id
    actor = dataclasses.replace(Actor.console(), organisation_id=reader_id)
    backend = url.split(":", 1)[0]

    def decide(live: Sequence[LiveSource], address: str) -> Callable[[], Screening]:
        def run() -> Screening:
            with transaction(factory) as session:
                return screen(session, [address], actor=actor, live=live)

        return run

    hub = [HubIndicators()]
    floor = timings(decide((), listed[0]), decisions)
    first = timings(decide(hub, listed[1]), 1)
    warm = timings(decide(hub, listed[2]), decisions)
    hit = decide(hub, listed[3])()
    assert hit.results[0].hits, "a GREEN, AMBER or AMBER+STRICT address of A: the first two are hits for B"
    for label, samples in (
        ("no live source (the floor)", floor),
        ("hub, first read", first),
        ("hub, kept list", warm),
    ):
        p50 = statistics.median(samples)
        p99 = samples[max(0, round(0.99 * len(samples)) - 1)]
        print(f"{backend:12s} {label:28s} p50 {p50:8.2f} ms  p99 {p99:8.2f} ms  ({count} indicators)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args()
    for backend in ("sqlite", "postgresql"):
        if arguments.backend in (backend, "both"):
            with database(backend) as url:
                measure(url, arguments.indicators, arguments.decisions)


if __name__ == "__main__":
    main()
