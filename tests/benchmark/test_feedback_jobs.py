"""The supervisor's feedback batch (issue #6 item 6) through the page with a real huey worker
thread: progress kept in the database until the ZIP and every PDF can be downloaded, no other
exchange's name in a firm's PDF, one damaged firm reported while the others get theirs, a second
concurrent run refused, the start and each download audited, exchanges kept out."""

from __future__ import annotations

import time
import zipfile
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark import feedback_jobs
from cyberdelta.benchmark.feedback_jobs import FeedbackRunError
from cyberdelta.benchmark.models import BenchmarkPosition
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.i18n import language
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_client
from tests.benchmark.conftest import DEMO_ORGS, World
from tests.benchmark.test_feedback import text_of
from tests.public_ids import public


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A real worker thread consuming the SQLite huey queue, as in a served app."""
    return settings.model_copy(update={"jobs_mode": "thread"})


def inspector(factory: sessionmaker[Session], client: TestClient) -> None:
    with transaction(factory) as session:
        fsa = make_organisation(session, OrganisationKind.SUPERVISOR, name_en="Demo Supervisor")
        user = make_member(session, fsa, Role.INSPECTOR)
        session.expunge_all()
    sign_in_client(client, user, fsa)
    client.cookies.set("cd_lang", "en")


def wait_until_done(client: TestClient, url: str) -> str:
    deadline = time.monotonic() + 300  # a bound on waiting, not a speed assertion
    while "feedback-zip" not in (fragment := client.get(url, headers={"hx-request": "true"}).text):
        assert "could not be created (" not in fragment, fragment
        assert time.monotonic() < deadline, fragment
        assert 'hx-trigger="every 1s"' in fragment
        time.sleep(0.2)
    return fragment


def test_the_batch_runs_in_the_background_and_every_report_can_be_downloaded(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    cycle = world.cycles[-1]
    inspector(session_factory, client)
    with transaction(session_factory) as session:
        # One firm's stored position is damaged: its PDF fails, the others are still written.
        broken = session.scalar(
            select(BenchmarkPosition).where(
                BenchmarkPosition.cycle_id == cycle,
                BenchmarkPosition.organisation_id == world.organisations[1],
            )
        )
        assert broken is not None
        broken.ranks = {"all": {"overall": ["not a number", 50]}}
        chosen = select(Organisation).where(Organisation.id.in_(world.organisations))
        firms = {org.id: org for org in session.scalars(chosen)}
        session.expunge_all()
    page = client.get(f"/benchmark/feedback/{public(client, 'cycle', cycle)}")
    assert page.status_code == 200 and 'id="start-feedback"' in page.text
    started = client.post(
        f"/benchmark/feedback/{public(client, 'cycle', cycle)}/runs",
        data={"language": "en"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    url = started.headers["location"]
    assert 'id="job"' in client.get(url).text
    fragment = wait_until_done(client, url)
    assert f"{DEMO_ORGS} of {DEMO_ORGS + 1} reports created (en)" in fragment
    assert 'id="feedback-failures"' in fragment and firms[world.organisations[1]].name_en in fragment
    assert "ValueError" in fragment

    archive = client.get(f"{url}/files/feedback-{cycle}-en.zip")
    assert archive.status_code == 200 and archive.headers["content-disposition"].startswith("attachment")
    with zipfile.ZipFile(BytesIO(archive.content)) as bundle:
        names = sorted(bundle.namelist())
        pdfs = {name: bundle.read(name) for name in names}
    assert len(names) == DEMO_ORGS and f"industry-{cycle}-en.pdf" in names
    assert not any(firms[world.organisations[1]].slug in name for name in names)
    for organisation_id, firm in firms.items():
        name = f"feedback-{cycle}-{firm.slug}-en.pdf"
        if organisation_id == world.organisations[1]:
            continue
        text = text_of(pdfs[name])
        assert firm.name_en in text and "Where you stand" in text
        assert not [
            other.name_en for other in firms.values() if other.id != organisation_id and other.name_en in text
        ]
    one = client.get(f"{url}/files/feedback-{cycle}-{firms[world.organisations[0]].slug}-en.pdf")
    assert (
        one.status_code == 200
        and one.content == pdfs[f"feedback-{cycle}-{firms[world.organisations[0]].slug}-en.pdf"]
    )
    assert client.get(f"{url}/files/..%2Fjobs.sqlite3").status_code == 404
    assert (
        client.get(f"{url}/files/feedback-{cycle}-{firms[world.organisations[1]].slug}-en.pdf").status_code
        == 404
    )
    with transaction(session_factory) as session:
        actions = [entry.action for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert (
            actions.count("benchmark.feedback_start") == 1
            and actions.count("benchmark.feedback_download") == 2
        )
    listing = client.get(f"/benchmark/feedback/{public(client, 'cycle', cycle)}").text
    assert 'id="feedback-runs"' in listing and 'id="start-feedback"' in listing


def test_a_second_run_of_the_same_cycle_is_refused_while_one_is_active(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    cycle, other = world.cycles[-1], world.cycles[0]
    with transaction(session_factory) as session:
        found = session.get(Cycle, cycle)
        assert found is not None
        first = feedback_jobs.start_run(
            session, found, "ja", actor=Actor.console()
        ).id  # queued, never enqueued
    with pytest.raises(FeedbackRunError) as error, language("en"), transaction(session_factory) as session:
        feedback_jobs.start_run(session, session.get(Cycle, cycle), "en", actor=Actor.console())  # type: ignore[arg-type]
    assert error.value.field == "cycle" and f"run {first}" in str(error.value)
    inspector(session_factory, client)
    refused = client.post(
        f"/benchmark/feedback/{public(client, 'cycle', cycle)}/runs",
        data={"language": "en"},
        follow_redirects=False,
    )
    assert refused.status_code == 409 and "already being created" in refused.text
    assert (
        'id="start-feedback"' not in client.get(f"/benchmark/feedback/{public(client, 'cycle', cycle)}").text
    )
    assert client.post(
        f"/benchmark/feedback/{public(client, 'cycle', cycle)}/runs", data={"language": "fr"}
    ).status_code in (409, 422)
    assert (
        client.post(
            f"/benchmark/feedback/{public(client, 'cycle', other)}/runs", data={"language": "xx"}
        ).status_code
        == 422
    )
    assert (
        client.get(
            f"/benchmark/feedback/runs/{public(client, 'feedback_run', first)}/files/feedback-{cycle}-ja.zip"
        ).status_code
        == 409
    )
    assert client.get("/benchmark/feedback/999999").status_code == 404


def test_exchanges_see_no_feedback_batch(
    client: TestClient, session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        firm = session.get(Organisation, world.organisations[0])
        assert firm is not None
        officer = make_member(session, firm, Role.SECURITY_OFFICER)
        session.expunge_all()
    sign_in_client(client, officer, firm)
    assert client.get(f"/benchmark/feedback/{public(client, 'cycle', world.cycles[-1])}").status_code == 403
    assert (
        client.post(
            f"/benchmark/feedback/{public(client, 'cycle', world.cycles[-1])}/runs", data={"language": "en"}
        ).status_code
        == 403
    )
