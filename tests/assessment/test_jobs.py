"""PDF rendering as a background job: a real huey worker thread takes the job from SQLite storage,
progress is kept in the database and the page polls it until the PDF can be downloaded."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.assessment.models import Assessment
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Role
from tests.assessment.helpers import answer_all
from tests.assessment.test_routes import member
from tests.public_ids import public
from tests.test_cli import run_cli


def test_a_worker_thread_renders_the_pdf_and_the_page_shows_progress_until_done(
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    exchange: Organisation,
    assessment: Assessment,
) -> None:
    assert settings.jobs_mode == "thread"
    member(session_factory, exchange, Role.VIEWER, client)
    answer_all(session_factory, assessment, {"gv-1": 2, "gv-2": 3, "cx-1": 4, "cx-2": 1})
    started = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/report/jobs",
        data={"language": "en"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    job_url = started.headers["location"]
    first = client.get(job_url)
    assert first.status_code == 200 and 'id="job"' in first.text
    deadline = time.monotonic() + 60  # a bound on waiting, not a speed assertion
    while "report-download" not in (fragment := client.get(job_url, headers={"hx-request": "true"}).text):
        assert "報告書を作成できませんでした" not in fragment
        assert time.monotonic() < deadline, fragment
        assert 'hx-trigger="every 1s"' in fragment
        time.sleep(0.1)
    pdf = client.get(job_url + "/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith("attachment")


def test_an_unknown_language_is_refused(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    member(session_factory, exchange, Role.VIEWER, client)
    answer = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/report/jobs", data={"language": "fr"}
    )
    assert answer.status_code == 422 and "ja" in answer.text


def test_with_external_jobs_a_separate_worker_process_renders_what_the_app_queued(
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    exchange: Organisation,
    assessment: Assessment,
) -> None:
    """CYBERDELTA_JOBS_MODE=external: the web process only queues; `cyberdelta worker` runs the job."""
    external = settings.model_copy(update={"jobs_mode": "external"})
    with TestClient(create_app(external, engine=engine), base_url="http://testserver") as client:
        member(session_factory, exchange, Role.VIEWER, client)
        answer_all(session_factory, assessment, {"gv-1": 2, "gv-2": 3, "cx-1": 4, "cx-2": 1})
        job_url = client.post(
            f"/assessment/{public(client, 'assessment', assessment.id)}/report/jobs",
            data={"language": "ja"},
            follow_redirects=False,
        ).headers["location"]
        time.sleep(1)  # long enough for an in-process worker, were there one, to have started it
        waiting = client.get(job_url, headers={"hx-request": "true"}).text
        assert "report-download" not in waiting and 'hx-trigger="every 1s"' in waiting

        worked = run_cli(external, "worker", "--drain")
        assert worked.returncode == 0, worked.stderr
        assert "1 background job run." in worked.stdout

        done = client.get(job_url, headers={"hx-request": "true"}).text
        assert "report-download" in done
        pdf = client.get(job_url + "/report.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_starting_a_report_job_writes_and_queues_it_in_the_request_s_own_transaction(
    client: TestClient,
    engine: Engine,
    session_factory: sessionmaker[Session],
    exchange: Organisation,
    assessment: Assessment,
) -> None:
    """The job is queued after the request's commit, not from a second transaction: on SQLite that
    one waited for the write lock the request held (up to the busy timeout: "database is locked")."""
    member(session_factory, exchange, Role.VIEWER, client)
    begun: list[object] = []

    def count(connection: object) -> None:
        begun.append(connection)

    event.listen(engine, "begin", count)
    try:
        started = client.post(
            f"/assessment/{public(client, 'assessment', assessment.id)}/report/jobs",
            data={"language": "en"},
            follow_redirects=False,
        )
    finally:
        event.remove(engine, "begin", count)
    assert started.status_code == 303 and started.headers["location"].startswith("/assessment/report-jobs/")
    assert len(begun) == 1
