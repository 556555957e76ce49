"""TAXII 2.1 throughput: ingest indicators in envelopes, then page through them with ``added_after``.

    .venv/bin/python benchmarks/taxii_throughput.py [--objects 100000] [--envelope 1000] [--runs 3]
        [--medallion-objects 2000] [--medallion-ingest-objects N] [--backends sqlite,postgresql]
        [--no-medallion]

Runs the same workload against:

* our server (``cyberdelta serve`` in its own process, on a loopback port) persisting to SQLite and
  to PostgreSQL, with its only validation: stix2-validator's verdict on every object (the fast path
  of ``cyberdelta.intel.stix_fast_path``, the library itself for what it does not cover);
* the OASIS reference server medallion with its memory backend, installed from PyPI into
  ``benchmarks/.medallion-venv`` by this script. Its memory backend compares every new object with
  every stored one and walks its whole data tree for every manifest update and every page, so it
  slows down as the collection grows; the full ingest-and-read workload runs on
  ``--medallion-objects`` (2,000 by default: its paged read of 2,000 objects takes about a minute,
  and grows with the square of the size), and ingest alone runs on ``--medallion-ingest-objects``
  (default: ``--objects``, the same 100,000 as ours; about five minutes on the benchmark machine).

Our runs are repeated ``--runs`` times, each on a new database and server, and the
median is what the ratios use: on a shared two-CPU machine one run can be a third slower than the
next for the same code. Reads use ``limit=1000`` (the page size both servers are configured for)
and ``added_after`` set to the previous page's ``X-TAXII-Date-Added-Last``. Prints objects per
second (wall clock) and the ratios, the machine's speed at the start and at the end (seconds for
ten million additions in a Python loop), and the server process's own CPU time per 1,000 objects (from
/proc; the process pool of the pending path is not included), a figure that other load on the
machine changes less than wall time (but does change: shared caches and clock speed).
After them, one more run per database sends the same envelopes answered ``pending``
(``CYBERDELTA_INTEL_PENDING_THRESHOLD=0``), validated by the worker's process pool; ingest then
lasts until every status resource is ``complete``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import venv
from pathlib import Path
from typing import NamedTuple

import orjson
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _databases import database  # noqa: E402

from cyberdelta.auth.tokens import create_api_token  # noqa: E402
from cyberdelta.intel import service  # noqa: E402
from cyberdelta.intel.tlp import Tlp  # noqa: E402
from cyberdelta.platform.actor import Actor  # noqa: E402
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction  # noqa: E402
from cyberdelta.tenancy.permissions import Permission  # noqa: E402
from cyberdelta.tenancy.service import create_organisation  # noqa: E402

TAXII = "application/taxii+json;version=2.1"
MEDALLION_VENV = ROOT / "benchmarks" / ".medallion-venv"
MEDALLION_VERSION = "3.0.0"
PAGE = 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def envelopes(total: int, size: int) -> list[bytes]:
    """Pre-serialised envelopes of distinct indicators (serialisation is not what is measured)."""
    bodies = []
    for start in range(0, total, size):
        objects = []
        for number in range(start, min(total, start + size)):
            objects.append(
                {
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": f"indicator--{uuid.uuid4()}",
                    "created": "2026-11-01T00:00:00.000Z",
                    "modified": "2026-11-01T00:00:00.000Z",
                    "name": f"bench {number}",
                    "pattern": f"[ipv4-addr:value = '10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}']",  # noqa: E501
                    "pattern_type": "stix",
                    "valid_from": "2026-11-01T00:00:00Z",
                }
            )
        bodies.append(json.dumps({"objects": objects}).encode())
    return bodies


class Timings(NamedTuple):
    """Wall seconds of the two phases, the server's CPU seconds in each, and the client's (this
    process's) CPU seconds while ingesting."""

    ingest: float
    read: float
    ingest_cpu: float
    read_cpu: float
    client_cpu: float


def wait_for(url: str, auth: object = None) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, headers={"Accept": TAXII}, auth=auth, timeout=2).status_code < 500:  # type: ignore[arg-type]
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process and its waited-for children (Linux /proc), else 0."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    # Fields 14-17 of proc(5): utime, stime, cutime, cstime, in clock ticks.
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def wait_complete(http: requests.Session, status_urls: list[str]) -> None:
    """Poll pending status resources (TAXII 2.1 §4.3) until every one is complete."""
    for url in status_urls:
        while True:
            document = orjson.loads(http.get(url, headers={"Accept": TAXII}, timeout=600).content)
            if document["status"] == "complete":
                if document["failure_count"]:
                    raise RuntimeError(f"ingest failed: {document['failures'][:1]}")
                break
            time.sleep(0.05)


def workload(
    objects_url: str,
    auth: object,
    bodies: list[bytes],
    expected: int,
    server_pid: int | None = None,
    *,
    read_back: bool = True,
) -> Timings:
    """Seconds to ingest every envelope (until stored, for pending ones) and to read everything back
    page by page, and the server's CPU seconds for each of the two phases (reads are skipped, and
    reported as 0 s, without ``read_back``)."""
    http = requests.Session()
    http.auth = auth  # type: ignore[assignment]
    headers = {"Accept": TAXII, "Content-Type": TAXII}
    cpu = cpu_seconds(server_pid)
    client = time.process_time()
    started = time.perf_counter()
    pending: list[str] = []
    for body in bodies:
        response = http.post(objects_url, data=body, headers=headers, timeout=600)
        document = orjson.loads(response.content) if response.status_code == 202 else {}
        if response.status_code != 202 or document.get("failure_count"):
            raise RuntimeError(f"ingest failed: {response.status_code} {response.text[:300]}")
        if document["status"] == "pending":
            pending.append(objects_url.split("/collections/")[0] + f"/status/{document['id']}/")
    wait_complete(http, pending)
    ingest = time.perf_counter() - started
    ingest_cpu = cpu_seconds(server_pid) - cpu
    client_cpu = time.process_time() - client
    if not read_back:
        http.close()
        return Timings(ingest, 0.0, ingest_cpu, 0.0, client_cpu)
    cpu = cpu_seconds(server_pid)
    started = time.perf_counter()
    read, added_after = 0, None
    while True:
        params = {"limit": str(PAGE)}
        if added_after:
            params["added_after"] = added_after
        response = http.get(objects_url, params=params, headers={"Accept": TAXII}, timeout=600)
        page = orjson.loads(response.content).get("objects", [])
        if not page:
            break
        read += len(page)
        added_after = response.headers["X-TAXII-Date-Added-Last"]
    elapsed = time.perf_counter() - started
    read_cpu = cpu_seconds(server_pid) - cpu
    if read != expected:
        raise RuntimeError(f"read {read} objects back, expected {expected}")
    http.close()
    return Timings(ingest, elapsed, ingest_cpu, read_cpu, client_cpu)


def run_ours(backend: str, bodies: list[bytes], total: int, *, pending_threshold: int = 1000) -> Timings:
    with database(backend) as url, tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        environment = {
            **os.environ,
            "CYBERDELTA_DATABASE_URL": url,
            "CYBERDELTA_DATA_DIR": data_dir,
            "CYBERDELTA_SECRET_KEY": secrets.token_urlsafe(48),
            "CYBERDELTA_INTEL_PENDING_THRESHOLD": str(pending_threshold),
        }
        command = [
            str(Path(sys.executable).parent / "cyberdelta"),
            "serve",
            "--port",
            str(port),
            "--no-access-log",
        ]
        server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}/taxii2/"
            wait_for(base)
            engine = make_engine(url)
            with transaction(make_session_factory(engine)) as session:
                organisation = create_organisation(
                    session, slug="bench-exchange", kind="exchange", name_ja="ベンチ", name_en="Bench"
                )
                collection = service.create_collection(session, title="bench", default_tlp=Tlp.GREEN)
                _token, raw = create_api_token(
                    session,
                    organisation_id=organisation.id,
                    name="bench",
                    permissions=[Permission.INTEL_READ, Permission.INTEL_WRITE],
                    actor=Actor.console(),
                    expires_in_days=None,
                )
                collection_id = collection.id
            engine.dispose()
            return workload(
                f"{base}intel/collections/{collection_id}/objects/",
                ("bench", raw),
                bodies,
                total,
                server.pid,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


def medallion_python() -> Path:
    python = MEDALLION_VENV / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True).create(MEDALLION_VENV)
    check = subprocess.run([python, "-c", "import medallion"], capture_output=True, check=False)
    if check.returncode != 0:
        subprocess.run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"medallion=={MEDALLION_VERSION}",
            ],
            check=True,
        )
    return python


def run_medallion(bodies: list[bytes], total: int, *, read_back: bool = True) -> Timings:
    python = medallion_python()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    collection_id = str(uuid.uuid4())
    data = {
        "/discovery": {"title": "medallion", "default": f"{base}bench/", "api_roots": [f"{base}bench/"]},
        "bench": {
            "information": {"title": "bench", "versions": [TAXII], "max_content_length": 1 << 30},
            "status": [],
            "collections": [
                {
                    "id": collection_id,
                    "title": "bench",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    with tempfile.TemporaryDirectory() as folder:
        data_file, config_file = Path(folder) / "data.json", Path(folder) / "config.json"
        data_file.write_text(json.dumps(data))
        config_file.write_text(
            json.dumps(
                {
                    "backend": {
                        "module": "medallion.backends.memory_backend",
                        "module_class": "MemoryBackend",
                        "filename": str(data_file),
                    },
                    "users": {"bench": "bench-password"},
                    "taxii": {"max_page_size": PAGE},
                }
            )
        )
        command = [
            str(python),
            "-m",
            "medallion.scripts.run",
            "--port",
            str(port),
            "--log-level",
            "ERROR",
            str(config_file),
        ]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            auth = ("bench", "bench-password")
            wait_for(f"{base}taxii2/", auth)
            return workload(
                f"{base}bench/collections/{collection_id}/objects/",
                auth,
                bodies,
                total,
                server.pid,
                read_back=read_back,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


def rates(label: str, total: int, timings: Timings) -> tuple[float, float]:
    """Print objects per second (wall clock), the server's CPU milliseconds per 1,000 objects and,
    for the ingest, the client's."""
    ingest, read = total / timings.ingest, total / timings.read
    ingest_ms, read_ms = timings.ingest_cpu / total * 1e6, timings.read_cpu / total * 1e6
    print(
        f"{label:<46} {total:>7} objects  ingest {timings.ingest:7.2f} s = {ingest:9,.0f}/s"
        f"  paged read {timings.read:7.2f} s = {read:9,.0f}/s"
        f"  server CPU per 1,000: ingest {ingest_ms:6.0f} ms, read {read_ms:4.0f} ms"
        f"  (client: ingest {timings.client_cpu / total * 1e6:4.0f} ms)",
        flush=True,
    )
    return ingest, read


def calibration_seconds() -> float:
    """Seconds for ten million additions in a plain Python loop (best of three): the speed of one
    core at the time of the run, for comparing figures taken on different days of a shared machine
    (smaller is faster)."""
    best = float("inf")
    for _attempt in range(3):
        started, total = time.perf_counter(), 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--envelope", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="repeat our runs; report the median")
    parser.add_argument("--medallion-objects", type=int, default=2_000)
    parser.add_argument(
        "--medallion-ingest-objects",
        type=int,
        default=None,
        help="also ingest (without reading back) this many objects into medallion (default: --objects,"
        " the same workload as ours); 0 skips it",
    )
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--no-medallion", action="store_true")
    arguments = parser.parse_args()
    backends = [name.strip() for name in arguments.backends.split(",") if name.strip()]
    print(
        f"machine: {os.cpu_count()} CPU(s), calibration loop {calibration_seconds():.2f} s;"
        f" envelopes of {arguments.envelope}; pages of {PAGE}",
        flush=True,
    )
    results: dict[str, tuple[float, float]] = {}
    bodies = envelopes(arguments.objects, arguments.envelope)
    for backend in backends:
        label = f"CyberDelta {backend} (stix2-validator)"
        runs = [
            rates(f"{label} run {run + 1}", arguments.objects, run_ours(backend, bodies, arguments.objects))
            for run in range(arguments.runs)
        ]
        results[label] = (
            statistics.median(ingest for ingest, _read in runs),
            statistics.median(read for _ingest, read in runs),
        )
        print(
            f"{label + ' median':<46} {arguments.objects:>7} objects  ingest {results[label][0]:9,.0f}/s"
            f"  paged read {results[label][1]:9,.0f}/s  (of {arguments.runs} runs)",
            flush=True,
        )
    for backend in backends:
        # The same envelopes answered "pending" and validated by the worker's process pool.
        label = f"CyberDelta {backend} pending ({os.cpu_count()} procs)"
        timings = run_ours(backend, bodies, arguments.objects, pending_threshold=0)
        results[label] = rates(label, arguments.objects, timings)
    print(f"calibration loop at the end: {calibration_seconds():.2f} s", flush=True)
    if arguments.no_medallion:
        return
    medallion_bodies = envelopes(arguments.medallion_objects, arguments.envelope)
    reference = rates(
        f"medallion {MEDALLION_VERSION} memory",
        arguments.medallion_objects,
        run_medallion(medallion_bodies, arguments.medallion_objects),
    )
    print("ratios against medallion (ingest rate ×, paged read rate ×):")
    for label, (ingest, read) in results.items():
        print(f"  {label:<46} ingest {ingest / reference[0]:8.1f}×   paged read {read / reference[1]:8.1f}×")
    size = (
        arguments.objects
        if arguments.medallion_ingest_objects is None
        else arguments.medallion_ingest_objects
    )
    if size:
        # Ingest alone at the workload's size (reading it back would take hours: see above).
        timings = run_medallion(envelopes(size, arguments.envelope), size, read_back=False)
        rate = size / timings.ingest
        print(
            f"medallion {MEDALLION_VERSION} memory, ingest only {size:>7} objects  ingest {timings[0]:7.2f} s"
            f" = {rate:9,.0f}/s  server CPU per 1,000: {timings.ingest_cpu / size * 1e6:6.0f} ms"
        )
        for label, (ingest, _read) in results.items():
            print(f"  {label:<46} ingest {ingest / rate:8.1f}× medallion's rate at {size} objects")


if __name__ == "__main__":
    main()
