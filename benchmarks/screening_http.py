"""p50/p99 latency of ``POST /api/v1/screening/check`` for one address over loopback HTTP, against
100,000 listed addresses (docs/screening.md, "Speed"; goal: p99 under 5 ms).

    PYTHONPATH=src python benchmarks/screening_http.py [--requests 2000] [--backend sqlite|postgresql|both]

Serves the real app with ``cyberdelta serve`` in a process of its own and sends sequential requests
on one keep-alive connection with an API token holding ``screening:check``. Each request is a real
decision: it is screened and written to the audit trail.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _databases import database
from dashboard_latency import free_port, wait_for

from cyberdelta.auth.tokens import create_api_token
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.platform.db.migrate import upgrade
from cyberdelta.screening.lists import import_list
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.permissions import Permission
from screening import btc_p2pkh, evm_lower, tron


def measure(url: str, requests: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    listed = [maker() for maker in (btc_p2pkh, evm_lower, tron) for _ in range(33_334)]
    lines = "".join(
        f"{'tron' if a[0] == 'T' else 'ethereum' if a[:2] == '0x' else 'bitcoin'},{a}\n" for a in listed
    )
    with transaction(factory) as session:
        import_list(session, lines.encode(), source="lines", filename="bench.txt", actor=Actor.console())
        exchange = tenancy.create_organisation(
            session,
            slug="bench-exchange",
            kind="exchange",
            name_ja="ベンチ交換業者",
            name_en="Bench Exchange",
        )
        _token, raw = create_api_token(
            session,
            organisation_id=exchange.id,
            name="bench",
            permissions=[Permission.SCREENING_CHECK],
            actor=Actor.console(),
            expires_in_days=None,
        )
    engine.dispose()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        environment = {
            **os.environ,
            "CYBERDELTA_DATABASE_URL": url,
            "CYBERDELTA_DATA_DIR": folder,
            "CYBERDELTA_SECRET_KEY": secrets.token_urlsafe(48),
            "CYBERDELTA_COOKIE_SECURE": "false",
        }
        command = [sys.executable, "-m", "cyberdelta", "serve", "--port", str(port), "--no-access-log"]
        server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"authorization": f"Bearer {raw}", "content-type": "application/json"}
            backend = url.split(":", 1)[0]

            def check(index: int) -> tuple[str, str, str | None]:
                address = listed[index % len(listed)] if index % 10 == 0 else btc_p2pkh()
                return "POST", "/api/v1/screening/check", json.dumps({"addresses": [address]})

            def whoami(index: int) -> tuple[str, str, str | None]:
                return "GET", "/api/v1/me", None

            for label, make in (("GET /api/v1/me (the floor)", whoami), ("single-address check", check)):
                samples = []
                for index in range(requests + 20):
                    method, path, body = make(index)
                    started = time.perf_counter()
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    answer = response.read()
                    if response.status != 200:
                        raise SystemExit(f"HTTP {response.status}: {answer[:200]!r}")
                    if index >= 20:  # the first requests compile the index and warm caches
                        samples.append((time.perf_counter() - started) * 1000)
                ordered = sorted(samples)
                p50 = statistics.median(ordered)
                p99 = ordered[max(0, round(0.99 * len(ordered)) - 1)]
                print(
                    f"{backend:12s} {label:28s} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  ({requests} requests)"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args()
    for backend in ("sqlite", "postgresql"):
        if arguments.backend in (backend, "both"):
            with database(backend) as url:
                measure(url, arguments.requests)


if __name__ == "__main__":
    main()
