"""How long a catalog as large as NIST SP 800-53 rev5 takes to import, as JSON and as YAML
(goals: under 5 s on SQLite; YAML within 1.5× the JSON time).

    .venv/bin/python benchmarks/catalog_import.py [--postgres] [--repeat N]

The catalog is generated with the shape of SP 800-53 rev5 (20 families, 320 base controls, 960
enhancements, parameters, nested statement parts, props, links, several MB of JSON), because
this machine has no network to fetch the published file; `cyberdelta catalog import` takes the
real one unchanged. The same catalog is written as JSON and as YAML; for each format and backend
it prints parse+validate, import (store and commit) and export times, and the YAML/JSON ratio.
Each figure is the best of ``--repeat`` runs (3 by default; JSON and YAML runs alternate, each on
a fresh database), since the machine is shared and a single run varies by a factor of two. Parsing
alone is printed too: ``json.loads`` beside the YAML reader and, for comparison, PyYAML's own
``yaml.load`` with ``CSafeLoader``. YAML is parsed by libyaml's C loader when PyYAML has it
(docs/catalog.md, "Import speed").
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _databases import database  # noqa: E402
from tests.factories import large_catalog  # noqa: E402

from cyberdelta.catalog import service  # noqa: E402
from cyberdelta.catalog.oscal_document import read_catalog  # noqa: E402
from cyberdelta.catalog.yaml_reading import BASE_LOADER, YAML_LOADER, load_yaml  # noqa: E402
from cyberdelta.platform.db.engine import make_engine, make_session_factory  # noqa: E402
from cyberdelta.platform.db.migrate import upgrade  # noqa: E402

DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def measure(url: str, data: bytes, source: str) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    read_catalog(data, source, len(data))
    checked = time.perf_counter()
    with factory.begin() as session:
        version = service.import_catalog(session, data, source, max_bytes=len(data))
    stored = time.perf_counter()
    with factory() as session:
        exported = service.export_document(session, version)
    done = time.perf_counter()
    assert exported == json.loads(data) if source.endswith(".json") else yaml.safe_load(data)
    engine.dispose()
    return {
        "parse+validate (alone)": checked - started,
        "import (parse, validate, store, commit)": stored - checked,
        "export": done - stored,
    }


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    document = large_catalog(domains=20, areas=4, controls_per_area=4, enhancements=3, guidance_words=500)
    files = {
        "json": json.dumps(document, ensure_ascii=False, indent=2).encode(),
        "yaml": yaml.dump(document, Dumper=DUMPER, allow_unicode=True, sort_keys=False).encode(),
    }
    controls = 20 * 4 * 4 * 4
    print(
        f"catalog: {controls} controls and enhancements, {len(files['json']) / 1e6:.1f} MB of JSON,"
        f" {len(files['yaml']) / 1e6:.1f} MB of YAML; YAML loader {YAML_LOADER.__name__}"
        f" over {BASE_LOADER.__name__}; best of {repeat} runs"
    )
    texts = {kind: data.decode() for kind, data in files.items()}
    parsing = {
        "json.loads": best_of(repeat, lambda: json.loads(texts["json"])),
        "YAML reader (load_yaml)": best_of(repeat, lambda: load_yaml(texts["yaml"])),
        f"yaml.load, {BASE_LOADER.__name__}": best_of(
            repeat,
            lambda: yaml.load(texts["yaml"], Loader=BASE_LOADER),  # noqa: S506 (a safe loader)
        ),
    }
    for label, seconds in parsing.items():
        print(f"parse alone {label:36s} {seconds:6.2f} s")
    results: dict[tuple[str, str], dict[str, float]] = {}
    for backend in ["sqlite", "postgresql"] if "--postgres" in sys.argv else ["sqlite"]:
        for _ in range(repeat):
            for kind, data in files.items():
                with database(backend) as url:
                    figures = measure(url, data, f"sp800-53-shaped.{kind}")
                best = results.setdefault((backend, kind), figures)
                for label, seconds in figures.items():
                    best[label] = min(best[label], seconds)
    for (backend, kind), figures in results.items():
        for label, seconds in figures.items():
            print(f"{backend:10s} {kind:4s} {label:42s} {seconds:6.2f} s")
    label = "import (parse, validate, store, commit)"
    for backend in dict.fromkeys(backend for backend, _kind in results):
        ratio = results[backend, "yaml"][label] / results[backend, "json"][label]
        print(f"{backend:10s} YAML import / JSON import: {ratio:.2f}× (goal: at most 1.50×)")


if __name__ == "__main__":
    main()
