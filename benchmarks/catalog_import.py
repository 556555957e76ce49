"""How long a catalog as large as NIST SP 800-53 rev5 takes to import (goal: under 5 s on SQLite).

    .venv/bin/python benchmarks/catalog_import.py [--postgres]

The catalog is generated with the shape of SP 800-53 rev5 (20 families, 320 base controls, 960
enhancements, parameters, nested statement parts, props, links, several MB of JSON), because
this machine has no network to fetch the published file; `cyberdelta catalog import` takes the
real one unchanged. Prints parse+validate, store and export times for each backend.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _databases import database  # noqa: E402
from tests.factories import large_catalog  # noqa: E402

from cyberdelta.catalog import service  # noqa: E402
from cyberdelta.catalog.oscal_document import read_catalog  # noqa: E402
from cyberdelta.platform.db.engine import make_engine, make_session_factory  # noqa: E402
from cyberdelta.platform.db.migrate import upgrade  # noqa: E402


def measure(url: str, data: bytes) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    read_catalog(data, "sp800-53-shaped.json", len(data))
    checked = time.perf_counter()
    with factory.begin() as session:
        version = service.import_catalog(session, data, "sp800-53-shaped.json", max_bytes=len(data))
    stored = time.perf_counter()
    with factory() as session:
        exported = service.export_document(session, version)
    done = time.perf_counter()
    assert exported == json.loads(data)
    engine.dispose()
    return {
        "parse+validate (alone)": checked - started,
        "import (parse, validate, store, commit)": stored - checked,
        "export": done - stored,
    }


def main() -> None:
    document = large_catalog(domains=20, areas=4, controls_per_area=4, enhancements=3, guidance_words=500)
    data = json.dumps(document, ensure_ascii=False, indent=2).encode()
    controls = 20 * 4 * 4 * 4
    print(f"catalog: {controls} controls and enhancements, {len(data) / 1e6:.1f} MB of JSON")
    results: dict[str, dict[str, float]] = {}
    for backend in ["sqlite", "postgresql"] if "--postgres" in sys.argv else ["sqlite"]:
        with database(backend) as url:
            results[backend] = measure(url, data)
    for backend, figures in results.items():
        for label, seconds in figures.items():
            print(f"{backend:10s} {label:42s} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
