"""p50/p95 latency of the supervisor's collection dashboard and of an exchange's "where you stand"
over loopback HTTP, with 1,000 exchanges × the built-in catalog × 2 cycles (issue #6, goal: p95
under 300 ms).

    .venv/bin/python benchmarks/dashboard_latency.py [--orgs 1000] [--requests 60]
        [--backend sqlite|postgresql|both]

Serves the real app with ``cyberdelta serve`` in a process of its own on 127.0.0.1 (a free port),
as a deployment would (a server sharing this process would also carry the population the script
builds in its heap, and pay for it in every full garbage collection). Signs in real sessions (a
supervisor inspector and an exchange security officer) and sends a bounded number of sequential
requests.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _databases import database
from _population import build

from cyberdelta.assessment.models import Cycle
from cyberdelta.auth import sessions
from cyberdelta.benchmark.publication import recompute
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import service as tenancy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def sign_in(factory: object, settings: Settings, organisation_id: int, role: str) -> str:
    with transaction(factory) as session:  # type: ignore[arg-type]
        organisation = tenancy.get_organisation(session, organisation_id)
        assert organisation is not None
        user = tenancy.get_or_create_user(session, f"{role}-{secrets.token_hex(3)}@example.jp")
        tenancy.set_membership(session, user, organisation, role)
        row, raw = sessions.start_session(session, settings, user.id)
        row.organisation_id = organisation.id
    return raw


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(url: str, orgs: int, requests: int) -> None:
    organisations, cycle_ids, _seconds = build(url, orgs)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        for cycle_id in cycle_ids:
            cycle = session.get(Cycle, cycle_id)
            assert cycle is not None
            recompute(session, cycle)
        supervisor = tenancy.create_organisation(
            session, slug="bench-fsa", kind="supervisor", name_ja="ベンチ監督当局", name_en="Bench Supervisor"
        ).id
    with tempfile.TemporaryDirectory() as folder:
        secret = secrets.token_urlsafe(48)
        settings = Settings(database_url=url, data_dir=Path(folder), secret_key=secret, cookie_secure=False)
        cookie = sessions.cookie_name(settings)
        inspector = sign_in(factory, settings, supervisor, "inspector")
        officer = sign_in(factory, settings, organisations[0], "security_officer")
        pages = {
            "supervisor dashboard": (inspector, f"/supervision/cycles/{cycle_ids[-1]}"),
            "where you stand": (officer, f"/benchmark?cycle={cycle_ids[-1]}"),
        }
        port = free_port()
        environment = {
            **os.environ,
            "CYBERDELTA_DATABASE_URL": url,
            "CYBERDELTA_DATA_DIR": folder,
            "CYBERDELTA_SECRET_KEY": secret,
            "CYBERDELTA_COOKIE_SECURE": "false",
        }
        command = [str(Path(sys.executable).parent / "cyberdelta"), "serve", "--port", str(port)]
        server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
        backend = url.split(":", 1)[0]
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            for label, (raw, path) in pages.items():
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"{cookie}={raw}"}
                )
                samples = []
                for index in range(requests + 1):
                    started = time.perf_counter()
                    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
                        response.read()
                        if response.status != 200:
                            raise SystemExit(f"{label}: HTTP {response.status}")
                    if index:  # the first request warms caches and is not counted
                        samples.append((time.perf_counter() - started) * 1000)
                p50, p95 = percentiles(samples)
                print(
                    f"{backend:20s} {label:22s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                    f"({requests} requests, goal p95 < 300 ms)"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args()
    for backend in ("sqlite", "postgresql"):
        if arguments.backend in (backend, "both"):
            with database(backend) as url:
                measure(url, arguments.orgs, min(max(arguments.requests, 5), 500))


if __name__ == "__main__":
    main()
