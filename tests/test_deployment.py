"""Several app processes and a worker behave like one (docs/deployment.md): two real
``cyberdelta serve`` processes and one ``cyberdelta worker`` on the same database and the Redis job
queue. A passkey ceremony begun on one process completes on the other, a report queued through one
is rendered by the worker and fetched through the other, and the sign-in failure count is shared."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service
from cyberdelta.assessment.models import Assessment
from cyberdelta.catalog.service import import_catalog
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_organisation
from tests.assessment.conftest import CYCLE, assessment_catalog
from tests.conftest import TEST_SECRET
from tests.factories import as_bytes
from tests.public_ids import public
from tests.soft_authenticator import SoftAuthenticator

CSRF_META = re.compile(r'<meta name="csrf-token" content="([0-9a-f]+)">')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended with {process.returncode}")
        try:
            if httpx2.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx2.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


@pytest.fixture
def deployment(
    database_url: str, redis_url: str, settings: Settings, tmp_path: Path
) -> Iterator[tuple[str, str]]:
    """Processes A and B serving on two ports, and a worker; all share the database, Redis and the
    data directory, as a deployment behind a reverse proxy does."""
    ports = (_free_port(), _free_port())
    env = {
        **os.environ,
        "CYBERDELTA_DATABASE_URL": database_url,
        "CYBERDELTA_DATA_DIR": str(settings.data_dir),
        "CYBERDELTA_SECRET_KEY": TEST_SECRET,
        "CYBERDELTA_JOBS_MODE": "external",
        "CYBERDELTA_JOBS_URL": redis_url,
        "CYBERDELTA_BASE_URL": f"http://localhost:{ports[0]}",
        "CYBERDELTA_COOKIE_SECURE": "false",
        "CYBERDELTA_SIGN_IN_MAX_FAILURES_PER_CLIENT": "3",
    }
    logs = [(tmp_path / f"process-{index}.log").open("wb") for index in range(3)]
    command = [sys.executable, "-m", "cyberdelta"]
    processes = [
        subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for port, log in zip(ports, logs[:2], strict=True)
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, process in zip(urls, processes, strict=True):
            _wait_for(url, process)
        processes.append(
            subprocess.Popen(
                [*command, "worker", "--workers", "1"], env=env, stdout=logs[2], stderr=subprocess.STDOUT
            )
        )
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def _invited_security_officer(factory: sessionmaker[Session], settings: Settings) -> tuple[str, int]:
    with transaction(factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        data = as_bytes(assessment_catalog())
        version = import_catalog(session, data, "test.json", max_bytes=len(data), key="cssa-test")
        assessment: Assessment = service.start_assessment(
            session, exchange.id, service.ensure_cycle(session, CYCLE, version.id)
        )
        _invitation, url = invitations.create_invitation(
            session, settings, exchange, "ciso@deployment.example", Role.SECURITY_OFFICER, None
        )
        return url.rsplit("/", 1)[1], assessment.id


def _csrf(client: httpx2.Client, url: str) -> str:
    found = CSRF_META.search(client.get(url).text)
    assert found, url
    return found.group(1)


def test_two_app_processes_and_a_worker_behave_as_one(
    deployment: tuple[str, str], session_factory: sessionmaker[Session], settings: Settings
) -> None:
    a, b = deployment
    token, assessment_id = _invited_security_officer(session_factory, settings)
    # The origin every process expects is CYBERDELTA_BASE_URL's, whichever one answers.
    authenticator = SoftAuthenticator(origin=f"http://localhost:{a.rsplit(':', 1)[1]}", rp_id="localhost")
    with httpx2.Client(timeout=30) as browser:
        # The enrolment ceremony: options from A, the signed answer to B.
        csrf = _csrf(browser, f"{a}/auth/enrol/{token}")
        options: dict[str, Any] = browser.post(
            f"{a}/auth/enrol/{token}/options", headers={"X-CSRF-Token": csrf}
        ).json()
        credential = authenticator.create(options)
        enrolled = browser.post(
            f"{b}/auth/enrol/{token}/verify",
            json={"credential": credential, "name": "soft"},
            headers={"X-CSRF-Token": csrf},
        )
        assert enrolled.status_code == 200, enrolled.text
        # Signed in on both processes with the one session.
        assert browser.get(f"{a}/api/v1/me").json()["role"] == "security_officer"
        assert browser.get(f"{b}/api/v1/me").json()["role"] == "security_officer"

        # A report queued through A, rendered by the worker, fetched through B.
        csrf = _csrf(browser, f"{a}/assessment/{public(settings, 'assessment', assessment_id)}")
        queued = browser.post(
            f"{a}/assessment/{public(settings, 'assessment', assessment_id)}/report/jobs",
            data={"language": "en", "csrf_token": csrf},
            follow_redirects=False,
        )
        assert queued.status_code == 303, queued.text
        job = queued.headers["location"]
        deadline = time.monotonic() + 120
        pdf = browser.get(f"{b}{job}/report.pdf")
        while pdf.status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
            pdf = browser.get(f"{b}{job}/report.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # Failed sign-ins counted across processes: two on A and one on B lock the address on both.
    with httpx2.Client(timeout=30) as stranger:
        csrf = _csrf(stranger, f"{a}/auth/sign-in")
        headers = {"X-CSRF-Token": csrf}
        for url in (a, a, b):
            options = stranger.post(f"{url}/auth/sign-in/options", headers=headers).json()
            forged = SoftAuthenticator(origin=authenticator.origin, rp_id="localhost").get(options)
            refused = stranger.post(
                f"{url}/auth/sign-in/verify", json={"credential": forged}, headers=headers
            )
            assert refused.status_code == 400
        assert stranger.post(f"{a}/auth/sign-in/options", headers=headers).status_code == 429
        assert stranger.post(f"{b}/auth/sign-in/options", headers=headers).status_code == 429
