"""The application's life cycle in a real ``cyberdelta serve`` process (cyberdelta.app)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cyberdelta.intel import service
from cyberdelta.intel.http.media import TAXII
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.db.engine import make_engine
from cyberdelta.tenancy.models import OrganisationKind
from tests.accounts_factories import make_api_token, make_organisation
from tests.intel.stix_factories import READ_WRITE, envelope, indicator

PENDING_OBJECTS = 450  # over one validation chunk: validated by the worker processes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


def test_a_terminated_server_stops_its_validation_processes_cleanly(tmp_path: Path) -> None:
    """A pending envelope is validated by the worker processes; SIGTERM then shuts them down before
    uvicorn ends the process by that signal (no semaphores left for the resource tracker)."""
    database = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    port = _free_port()
    environment = {
        **os.environ,
        "CYBERDELTA_DATABASE_URL": database,
        "CYBERDELTA_DATA_DIR": str(tmp_path),
        "CYBERDELTA_SECRET_KEY": secrets.token_urlsafe(48),
        "CYBERDELTA_INTEL_PENDING_THRESHOLD": "0",
        "CYBERDELTA_INTEL_VALIDATION_WORKERS": "2",
    }
    command = [sys.executable, "-m", "cyberdelta", "serve", "--port", str(port), "--no-access-log"]
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}/taxii2/"
        _wait_until_up(base)
        engine = make_engine(database)
        with Session(engine) as session, session.begin():
            organisation = make_organisation(session, OrganisationKind.EXCHANGE)
            collection_id = service.create_collection(session, title="feed", default_tlp=Tlp.GREEN).id
            raw = make_api_token(session, organisation, READ_WRITE)
        engine.dispose()
        headers = {"Accept": TAXII, "Content-Type": TAXII, "Authorization": f"Bearer {raw}"}
        objects = [indicator(f"10.1.{n >> 8}.{n & 255}") for n in range(PENDING_OBJECTS)]
        answer = requests.post(
            f"{base}intel/collections/{collection_id}/objects/",
            json=envelope(objects),
            headers=headers,
            timeout=60,
        ).json()
        assert answer["status"] == "pending"
        deadline = time.monotonic() + 120
        while answer["status"] != "complete" and time.monotonic() < deadline:
            time.sleep(0.2)
            answer = requests.get(f"{base}intel/status/{answer['id']}/", headers=headers, timeout=60).json()
        assert (answer["status"], answer["success_count"]) == ("complete", PENDING_OBJECTS)
    finally:
        server.send_signal(signal.SIGTERM)
        _out, errors = server.communicate(timeout=60)
    assert server.returncode == -signal.SIGTERM
    assert "leaked semaphore" not in errors, errors
    assert "Application shutdown complete" in errors


def test_no_page_loads_scripts_from_a_cdn_the_security_policy_refuses(client: TestClient) -> None:
    """Swagger's page needs a CDN script and an inline one; it is not served, the schema is."""
    assert client.get("/api/docs").status_code == 404
    assert client.get("/api/openapi.json").json()["info"]["title"] == "CyberDelta"
