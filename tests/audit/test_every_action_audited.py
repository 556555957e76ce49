"""Every state change, every export and every read of another organisation's data leaves its
entry in the audit trail, written by the service under the request's id (docs/security.md, "V16
Security logging"; OWASP ASVS 5.0 V16.2, V16.3). ``audit_table.py`` classifies every route and
command; the scenarios below call each audited route with real input and check its entries.

On the code before services took an ``Actor``, exports, imports, evidence, answers, plan changes,
TAXII deletes and supervisor dashboards wrote nothing here.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.main import get_command

from cyberdelta import cli
from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment.models import Assessment, Cycle, Evidence, ImprovementItem
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.auth.models import ApiToken, Passkey
from cyberdelta.benchmark.demo import populate
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.exercise.library import builtin_document
from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.service import create_collection
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.cookies import session_cookie_name
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.platform.web.csrf import HEADER
from cyberdelta.signing.models import SigningCheck, SigningProposal, SigningWallet
from cyberdelta.supervision import service as supervision_service
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.models import Invitation, Membership, Organisation, OrganisationKind, User
from cyberdelta.tenancy.permissions import Permission, Role
from cyberdelta.tlpt.models import TlptDeliverable, TlptEngagement
from tests.accounts_factories import (
    anonymous_csrf,
    csrf_for,
    make_api_token,
    make_member,
    make_organisation,
    sign_in_client,
)
from tests.assessment.conftest import assessment_catalog
from tests.audit.audit_table import COMMANDS, ROUTES, Audited
from tests.auth.route_table import endpoints
from tests.benchmark.test_feedback_jobs import inspector, wait_until_done
from tests.catalog.baselines import full_catalog
from tests.catalog.mapping_documents import mapping_collection
from tests.catalog.test_profiles import profile
from tests.exercise.helpers import prepared
from tests.factories import as_bytes
from tests.intel.attack_factories import misp_event
from tests.intel.stix_factories import ROOT, envelope, indicator, make_hub, taxii_headers
from tests.public_ids import public, row_of
from tests.screening.test_lists import LAZARUS_ETH, SDN_XML
from tests.signing.safe_fixtures import BYBIT
from tests.signing.test_platform import COLD_SAFE
from tests.soft_authenticator import SoftAuthenticator
from tests.supervision.helpers import submit
from tests.supervision.test_reminders import with_smtp
from tests.tenancy.test_mail import Inbox, smtp
from tests.test_cli import run_cli
from tests.tlpt.world import CHECKS as TLPT_CHECKS
from tests.tlpt.world import world as tlpt_world

Key = tuple[str, str]
__all__ = ["smtp"]


@pytest.fixture
def settings(settings: Settings, smtp: tuple[int, Inbox]) -> Settings:
    """The suite's settings with a real SMTP server on loopback (reminders and invitations go out)."""
    return with_smtp(settings, smtp[0])


class Walk:
    """Calls routes with a fresh ``X-Request-ID`` each and keeps which ids went to which route."""

    def __init__(self, client: TestClient, factory: sessionmaker[Session], scenario: str) -> None:
        self.client, self.factory, self.scenario = client, factory, scenario
        self.calls: list[tuple[Key, str, Response]] = []

    def call(self, method: str, route: str, path: str | None = None, **arguments: Any) -> Response:
        request_id = uuid.uuid4().hex
        headers = {**arguments.pop("headers", {}), "X-Request-ID": request_id}
        response = self.client.request(
            method, path or route, headers=headers, follow_redirects=False, **arguments
        )
        assert response.status_code < 400, (method, route, response.status_code, response.text[:500])
        self.calls.append(((method, route), request_id, response))
        return response

    def check(self) -> None:
        """Each call wrote one of its route's actions; each route of the scenario was called."""
        with self.factory() as session:
            written: dict[str, set[str]] = {}
            for request_id, action in session.execute(
                select(AuditEntry.request_id, AuditEntry.action).where(
                    AuditEntry.request_id.in_([request_id for _key, request_id, _r in self.calls])
                )
            ):
                written.setdefault(str(request_id), set()).add(action)
        wrong = []
        for key, request_id, _response in self.calls:
            expected = ROUTES[key]
            got = written.get(request_id, set())
            if isinstance(expected, Audited) and not expected.actions & got:
                wrong.append(f"{key}: wrote {sorted(got)}, expected one of {sorted(expected.actions)}")
        assert not wrong, "\n".join(wrong)
        mine = {
            key
            for key, value in ROUTES.items()
            if isinstance(value, Audited) and value.scenario == self.scenario
        }
        assert mine - {key for key, _id, _r in self.calls} == set()


@pytest.fixture
def walk(
    client: TestClient, session_factory: sessionmaker[Session], request: pytest.FixtureRequest
) -> Iterator[Walk]:
    scenario = request.node.name.split("[")[0].removeprefix("test_").removesuffix("_scenario")
    walker = Walk(client, session_factory, scenario)
    yield walker
    walker.check()


def _commands() -> list[str]:
    found: list[str] = []

    def visit(command: Any, prefix: list[str]) -> None:
        if getattr(command, "commands", None):
            for name, sub in command.commands.items():
                visit(sub, [*prefix, name])
        else:
            found.append(" ".join(prefix))

    visit(get_command(cli.app), [])
    return found


def test_every_route_is_classified(app: FastAPI) -> None:
    served = {(e.method, e.path) for e in endpoints(app)}
    assert served - set(ROUTES) == set(), "routes without an entry in tests/audit/audit_table.py"
    assert set(ROUTES) - served == set(), "entries without a route"
    scenarios = {value.scenario for value in ROUTES.values() if isinstance(value, Audited)}
    assert scenarios == {
        "accounts",
        "assessment",
        "supervision",
        "benchmark",
        "intel",
        "screening",
        "signing",
        "exercise",
        "tlpt",
        "catalog",
    }


def test_every_command_is_classified() -> None:
    assert set(_commands()) == set(COMMANDS)


def _members(
    factory: sessionmaker[Session], kind: OrganisationKind, *roles: Role
) -> tuple[Organisation, list[User]]:
    with transaction(factory) as session:
        organisation = make_organisation(session, kind)
        users = [make_member(session, organisation, role) for role in roles]
        session.expunge_all()
    return organisation, users


def _organisation(session: Session, organisation_id: int) -> Organisation:
    found = session.get(Organisation, organisation_id)
    assert found is not None
    return found


def _one(factory: sessionmaker[Session], statement: Any) -> Any:
    with factory() as session:
        return session.scalars(statement).first()


def _session_csrf(client: TestClient) -> None:
    """After a response set a new session cookie, send that session's CSRF token."""
    app: Any = client.app
    client.headers[HEADER] = csrf_for(app, client.cookies[session_cookie_name(app.state.settings)])


def test_accounts_scenario(walk: Walk, settings: Settings, session_factory: sessionmaker[Session]) -> None:
    client = walk.client
    operator, [admin] = _members(session_factory, OrganisationKind.OPERATOR, Role.PLATFORM_ADMIN)
    sign_in_client(client, admin, operator)
    created = walk.call(
        "POST",
        "/admin/organisations",
        data={
            "slug": "kaede-exchange",
            "kind": "exchange",
            "name_ja": "楓取引所",
            "name_en": "Kaede Exchange",
            "admin_email": "ciso@kaede.example",
        },
    )
    token = re.search(r"/auth/enrol/([A-Za-z0-9_-]+)", created.text)
    assert token, created.text
    # The invitee enrols a passkey from the link and is signed in.
    client.cookies.clear()
    client.headers[HEADER] = anonymous_csrf(client)
    key = SoftAuthenticator(origin=settings.origin, rp_id=settings.resolved_rp_id)
    link = f"/auth/enrol/{token.group(1)}"
    options = client.post(f"{link}/options").json()
    walk.call(
        "POST", "/auth/enrol/{token}/verify", f"{link}/verify", json={"credential": key.create(options)}
    )
    _session_csrf(client)
    walk.call("POST", "/account/email-language", data={"email_language": "en"})
    spare = SoftAuthenticator(origin=settings.origin, rp_id=settings.resolved_rp_id)
    options = client.post("/account/passkeys/options").json()
    walk.call("POST", "/account/passkeys/verify", json={"credential": spare.create(options), "name": "spare"})
    second = _one(session_factory, select(Passkey).order_by(Passkey.id.desc()))
    walk.call(
        "POST",
        "/account/passkeys/{passkey_id}/rename",
        f"/account/passkeys/{public(client, 'passkey', second.id)}/rename",
        data={"name": "backup key"},
    )
    walk.call(
        "POST",
        "/account/passkeys/{passkey_id}/revoke",
        f"/account/passkeys/{public(client, 'passkey', second.id)}/revoke",
    )
    codes = re.findall(
        r"<code>([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})</code>", walk.call("POST", "/account/recovery-codes").text
    )
    assert codes
    invited = walk.call("POST", "/org/invitations", data={"email": "analyst@kaede.example", "role": "viewer"})
    assert invited.status_code == 200
    invitation = _one(session_factory, select(Invitation).where(Invitation.email == "analyst@kaede.example"))
    walk.call(
        "POST",
        "/org/invitations/{invitation_id}/revoke",
        f"/org/invitations/{public(client, 'invitation', invitation.id)}/revoke",
    )
    kaede = _one(session_factory, select(Organisation).where(Organisation.slug == "kaede-exchange"))
    with transaction(session_factory) as session:
        colleague = make_member(session, _organisation(session, kaede.id), Role.CONTRIBUTOR)
        membership = session.scalars(select(Membership).where(Membership.user_id == colleague.id)).one().id
    walk.call(
        "POST",
        "/org/members/{membership_id}/role",
        f"/org/members/{public(client, 'membership', membership)}/role",
        data={"role": "viewer"},
    )
    walk.call(
        "POST",
        "/org/members/{membership_id}/remove",
        f"/org/members/{public(client, 'membership', membership)}/remove",
    )
    walk.call("POST", "/org/tokens", data={"name": "SIEM", "permission": "audit:read"})
    made = _one(session_factory, select(ApiToken).where(ApiToken.name == "SIEM"))
    walk.call(
        "POST", "/org/tokens/{token_id}/revoke", f"/org/tokens/{public(client, 'api_token', made.id)}/revoke"
    )
    with transaction(session_factory) as session:
        make_api_token(session, _organisation(session, kaede.id), [Permission.ASSESSMENT_READ])
    other = _one(session_factory, select(ApiToken).where(ApiToken.revoked_at.is_(None)))
    walk.call(
        "DELETE", "/api/v1/tokens/{token_id}", f"/api/v1/tokens/{public(client, 'api_token', other.id)}"
    )
    options = client.post("/auth/step-up/options").json()
    walk.call("POST", "/auth/step-up/verify", json={"credential": key.get(options)})
    # An invitation to a second organisation, accepted while signed in; then switching between them.
    ciso = _one(session_factory, select(User).where(User.email == "ciso@kaede.example"))
    with transaction(session_factory) as session:
        second_org = make_organisation(session, OrganisationKind.EXCHANGE)
        _invitation, url = invitations.create_invitation(
            session, settings, second_org, ciso.email, "viewer", None
        )
        second_id = second_org.id
    raw = url.rsplit("/", 1)[1]
    walk.call("POST", "/auth/enrol/{token}/accept", f"/auth/enrol/{raw}/accept")
    walk.call("POST", "/account/organisation", data={"organisation_id": str(kaede.id)})
    walk.call("POST", "/account/organisation", data={"organisation_id": str(second_id)})
    walk.call("POST", "/auth/sign-out")
    # Signing in again with the passkey, a failed sign-in, and recovery with a code.
    client.cookies.clear()
    client.headers[HEADER] = anonymous_csrf(client)
    options = client.post("/auth/sign-in/options").json()
    walk.call("POST", "/auth/sign-in/verify", json={"credential": key.get(options)})
    _session_csrf(client)
    walk.call("POST", "/auth/sign-out-everywhere")
    client.cookies.clear()
    client.headers[HEADER] = anonymous_csrf(client)
    walk.call("POST", "/auth/recover", data={"email": ciso.email, "code": codes[0]})


def _assessment_world(factory: sessionmaker[Session]) -> tuple[Organisation, User, User]:
    exchange, [officer, approver] = _members(
        factory, OrganisationKind.EXCHANGE, Role.SECURITY_OFFICER, Role.EXECUTIVE_APPROVER
    )
    return exchange, officer, approver


def test_assessment_scenario(walk: Walk, session_factory: sessionmaker[Session]) -> None:
    client = walk.client
    exchange, officer, approver = _assessment_world(session_factory)
    sign_in_client(client, officer, exchange)
    started = walk.call("POST", "/assessment/start")
    assessment_id = row_of(client, "assessment", started.headers["location"].rsplit("/", 1)[1])
    walk.call("POST", "/assessment/profile", data={"hot_wallet_percent": "40", "custody_band": "large"})
    with session_factory() as session:
        found = session.get(Assessment, assessment_id)
        assert found is not None
        controls = [c.control_id for c in assessment_service.view_of(session, found).controls]
    first = controls[0]
    answer = f"/assessment/{public(client, 'assessment', assessment_id)}/responses/{first}"
    walk.call(
        "POST",
        "/assessment/{assessment_id}/responses/{control_id}",
        answer,
        data={"version": "0", "maturity": "1"},
        headers={"HX-Request": "true"},
    )
    evidence = f"/assessment/{public(client, 'assessment', assessment_id)}/evidence"
    walk.call(
        "POST",
        "/assessment/{assessment_id}/evidence",
        evidence,
        data={"url": "https://wiki.kaede.example/policy", "title": "Policy", "control_id": first},
    )
    walk.call(
        "POST",
        "/assessment/{assessment_id}/evidence",
        evidence,
        data={"title": "Key ceremony", "control_id": first},
        files={
            "file": ("ceremony.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
        },
    )
    link, upload = (
        _one(session_factory, select(Evidence).where(Evidence.kind == kind)) for kind in ("link", "file")
    )
    attach = f"/assessment/{public(client, 'assessment', assessment_id)}/controls/{controls[1]}/evidence"
    walk.call(
        "POST",
        "/assessment/{assessment_id}/controls/{control_id}/evidence",
        attach,
        data={"evidence_id": str(link.id)},
    )
    walk.call(
        "POST",
        "/assessment/{assessment_id}/controls/{control_id}/evidence",
        attach,
        data={"evidence_id": str(link.id), "detach": "1"},
    )
    walk.call(
        "GET",
        "/assessment/evidence/{evidence_id}/download",
        f"/assessment/evidence/{public(client, 'evidence', upload.id)}/download",
    )
    workbook = walk.call(
        "GET",
        "/assessment/{assessment_id}/export.xlsx",
        f"/assessment/{public(client, 'assessment', assessment_id)}/export.xlsx",
    )
    walk.call(
        "POST",
        "/assessment/{assessment_id}/import",
        f"/assessment/{public(client, 'assessment', assessment_id)}/import",
        files={"file": ("answers.xlsx", workbook.content, "application/octet-stream")},
    )
    for route in (
        "/assessment/{assessment_id}/oscal/assessment-results.json",
        "/assessment/{assessment_id}/oscal/poam.json",
    ):
        walk.call("GET", route, route.replace("{assessment_id}", public(client, "assessment", assessment_id)))
    queued = walk.call(
        "POST",
        "/assessment/{assessment_id}/report/jobs",
        f"/assessment/{public(client, 'assessment', assessment_id)}/report/jobs",
        data={"language": "en"},
    )
    job = queued.headers["location"]
    deadline = time.monotonic() + 120
    while "report-download" not in client.get(job, headers={"hx-request": "true"}).text:
        assert time.monotonic() < deadline, "the report was not rendered"
        time.sleep(0.1)
    walk.call("GET", "/assessment/report-jobs/{job_id}/report.pdf", f"{job}/report.pdf")
    client.get(f"/assessment/{public(client, 'assessment', assessment_id)}/plan")
    item = _one(
        session_factory, select(ImprovementItem).where(ImprovementItem.organisation_id == exchange.id)
    )
    assert item is not None
    plan_item = public(client, "plan_item", item.id)
    walk.call(
        "POST",
        "/assessment/{assessment_id}/plan/{item_id}",
        f"/assessment/{public(client, 'assessment', assessment_id)}/plan/{plan_item}",
        data={
            "version": str(item.version),
            "status": "in_progress",
            "owner": "CISO",
            "due_date": "2027-03-31",
        },
    )
    transition = "/assessment/{assessment_id}/transitions/{action}"
    walk.call(
        "POST",
        transition,
        f"/assessment/{public(client, 'assessment', assessment_id)}/transitions/request_review",
    )
    walk.call(
        "POST",
        transition,
        f"/assessment/{public(client, 'assessment', assessment_id)}/transitions/back_to_draft",
    )
    with transaction(session_factory) as session:
        found = session.get(Assessment, assessment_id)
        assert found is not None
        answers = {control: ResponseInput(maturity=3) for control in controls[1:]}
        assessment_service.apply_rows(session, found, answers, user_id=None)
    walk.call(
        "POST",
        transition,
        f"/assessment/{public(client, 'assessment', assessment_id)}/transitions/request_review",
    )
    sign_in_client(client, approver, exchange)
    walk.call(
        "POST",
        "/assessment/{assessment_id}/sign-off",
        f"/assessment/{public(client, 'assessment', assessment_id)}/sign-off",
    )


def test_supervision_scenario(
    walk: Walk, session_factory: sessionmaker[Session], smtp: tuple[int, Inbox]
) -> None:
    client = walk.client
    supervisor, [inspector] = _members(session_factory, OrganisationKind.SUPERVISOR, Role.INSPECTOR)
    firms = [_members(session_factory, OrganisationKind.EXCHANGE, Role.SECURITY_OFFICER) for _ in range(2)]
    with transaction(session_factory) as session:
        make_member(session, _organisation(session, firms[0][0].id), Role.VIEWER, "viewer@firm.example")
        version_id = ensure_builtin_catalog(session).id
    sign_in_client(client, inspector, supervisor)
    opened = walk.call(
        "POST",
        "/supervision/cycles",
        data={
            "name": "2027",
            # Closing within the reminder window, so that the reminders are due today.
            "opens_on": (date.today() - timedelta(days=30)).isoformat(),
            "closes_on": (date.today() + timedelta(days=7)).isoformat(),
            "catalog_version_id": str(version_id),
            "participants": [str(firm.id) for firm, _users in firms],
        },
    )
    cycle_id = row_of(client, "cycle", opened.headers["location"].rsplit("/", 1)[1])
    walk.call(
        "GET", "/supervision/cycles/{cycle_id}", f"/supervision/cycles/{public(client, 'cycle', cycle_id)}"
    )
    walk.call(
        "POST",
        "/supervision/cycles/{cycle_id}/reminders",
        f"/supervision/cycles/{public(client, 'cycle', cycle_id)}/reminders",
    )
    assert smtp[1].messages, "the reminders went out through the SMTP server"
    returned, accepted = (submit(session_factory, firm.id, cycle_id, 3) for firm, _users in firms)
    walk.call(
        "GET",
        "/supervision/assessments/{assessment_id}",
        f"/supervision/assessments/{public(client, 'assessment', returned)}",
    )
    walk.call(
        "POST",
        "/supervision/assessments/{assessment_id}/review",
        f"/supervision/assessments/{public(client, 'assessment', returned)}/review",
        data={"action": "return", "comment": "Key ceremony evidence is missing."},
    )
    walk.call(
        "POST",
        "/review/assessments/{assessment_id}/{action}",
        f"/review/assessments/{public(client, 'assessment', accepted)}/accept",
    )
    (firm, [officer]), _second = firms
    sign_in_client(client, officer, firm)
    walk.call(
        "POST",
        "/assessment/{assessment_id}/reopen",
        f"/assessment/{public(client, 'assessment', returned)}/reopen",
    )
    with transaction(session_factory) as session:
        later_id = supervision_service.open_cycle(
            session,
            name="2028",
            catalog_version_id=version_id,
            opens_on=date.today(),
            closes_on=date.today() + timedelta(days=90),
            participant_ids=[firm.id],
            actor=Actor.console(),
        ).id
    walk.call("POST", "/cycles/{cycle_id}/start", f"/cycles/{public(client, 'cycle', later_id)}/start")
    assert _one(session_factory, select(Cycle).where(Cycle.id == later_id)) is not None


def test_intel_scenario(walk: Walk, session_factory: sessionmaker[Session]) -> None:
    client = walk.client
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        isac = _organisation(session, hub.isac_id)
        analyst = make_member(session, isac, Role.ANALYST)
        session.expunge_all()
    sign_in_client(client, analyst, isac)
    created = walk.call(
        "POST",
        "/intel/collections",
        data={"title": "Lazarus watch", "alias": "lazarus", "default_tlp": "amber", "members_read": "yes"},
    )
    collection = created.headers["location"].split("?")[0].rsplit("/", 1)[1]
    page = f"/intel/collections/{collection}"
    walk.call(
        "POST",
        "/intel/collections/{collection_id}",
        page,
        data={"title": "Lazarus watch", "default_tlp": "green", "members_read": "yes"},
    )
    walk.call(
        "POST",
        "/intel/collections/{collection_id}/grants",
        f"{page}/grants",
        data={"organisation": str(hub.publisher_id), "can_read": "yes"},
    )
    walk.call(
        "POST",
        "/intel/collections/{collection_id}/grants/{organisation_id}/revoke",
        f"{page}/grants/{public(client, 'organisation', hub.publisher_id)}/revoke",
    )
    walk.call("POST", "/intel/collections/{collection_id}/delete", f"{page}/delete")
    walk.call(
        "POST",
        "/intel/report",
        data={
            "kind": "address",
            "chain": "ethereum",
            "tlp": "amber",
            "note": "",
            "value": "0x47666fab8bd0ac7003bce3f5c3585383f09486e2",
            "collection": hub.collection_id,
        },
    )
    walk.call(
        "POST",
        "/api/v1/intel/sightings",
        json={
            "kind": "address",
            "chain": "ethereum",
            "value": "0x47666fab8bd0ac7003bce3f5c3585383f09486e2",
            "collection": hub.collection_id,
            "seen_in": "deposit",
        },
        headers={"authorization": f"Bearer {hub.other_exchange}"},
    )
    walk.call(
        "POST",
        "/intel/lesson",
        data={
            "title": "Signing UI poisoned",
            "body": "Verify what you sign.",
            "tlp": "green",
            "collection": hub.collection_id,
        },
    )
    bundle = envelope([indicator("198.51.100.9")]) | {
        "type": "bundle",
        "id": "bundle--6f1b8d1e-9a0b-4a4b-8b8e-1f2e3d4c5b6a",
    }
    walk.call(
        "POST",
        "/intel/import",
        data={"collection": hub.collection_id, "tlp": "green"},
        files={"file": ("feed.json", json.dumps(bundle).encode(), "application/json")},
    )
    objects = f"{ROOT}/collections/{hub.collection_id}/objects/"
    posted = indicator("192.0.2.77")
    walk.call(
        "POST",
        "/taxii2/{api_root}/collections/{collection_id}/objects/",
        objects,
        json=envelope([posted]),
        headers=taxii_headers(hub.publisher),
    )
    assert _one(walk.factory, select(IntelObject).where(IntelObject.stix_id == posted["id"])) is not None
    walk.call(
        "DELETE",
        "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/",
        f"{objects}{posted['id']}/",
        headers=taxii_headers(hub.publisher),
    )


def test_benchmark_scenario(walk: Walk, session_factory: sessionmaker[Session]) -> None:
    client = walk.client
    with transaction(session_factory) as session:
        cycle = populate(session, orgs=6, cycles=1).cycles[-1]
    inspector(session_factory, client)
    for route in ("/benchmark/industry/{cycle_id}.csv", "/benchmark/industry/{cycle_id}.xlsx"):
        walk.call("GET", route, route.replace("{cycle_id}", public(client, "cycle", cycle)))
    walk.call("GET", "/api/v1/benchmark/figures", params={"cycle": public(client, "cycle", cycle)})
    started = walk.call(
        "POST",
        "/benchmark/feedback/{cycle_id}/runs",
        f"/benchmark/feedback/{public(client, 'cycle', cycle)}/runs",
        data={"language": "en"},
    )
    run = started.headers["location"]
    wait_until_done(client, run)
    walk.call("GET", "/benchmark/feedback/runs/{run_id}/files/{name}", f"{run}/files/feedback-{cycle}-en.zip")


def test_screening_scenario(walk: Walk, session_factory: sessionmaker[Session]) -> None:
    client = walk.client
    exchange, (officer,) = _members(session_factory, OrganisationKind.EXCHANGE, Role.SECURITY_OFFICER)
    with transaction(session_factory) as session:
        token = make_api_token(session, exchange, [Permission.SCREENING_CHECK])
    sign_in_client(client, officer, exchange)
    walk.call("POST", "/screening", data={"addresses": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"})
    walk.call(
        "POST",
        "/api/v1/screening/check",
        json={"addresses": ["0x098b716b8aaf21512996dc57eb0615e2383e2f96"]},
        headers={"authorization": f"Bearer {token}"},
    )
    walk.call("POST", "/screening/settings", data={"sources": ["ofac-sdn-xml", "un-xml"]})
    with transaction(session_factory) as session:
        manager = make_api_token(session, exchange, [Permission.SCREENING_MANAGE])
    walk.call(
        "PUT",
        "/api/v1/screening/settings",
        json={"applied": ["ofac-sdn-xml", "hub-indicators"]},
        headers={"authorization": f"Bearer {manager}"},
    )


def test_signing_scenario(walk: Walk, session_factory: sessionmaker[Session]) -> None:
    client = walk.client
    exchange, (officer, admin) = _members(
        session_factory, OrganisationKind.EXCHANGE, Role.SECURITY_OFFICER, Role.ORG_ADMIN
    )
    with transaction(session_factory) as session:
        token = make_api_token(session, exchange, [Permission.SIGNING_CHECK])
    sign_in_client(client, officer, exchange)
    walk.call("POST", "/signing/proposals", data={"definition": json.dumps(COLD_SAFE)})
    with session_factory() as session:
        proposal = session.scalars(select(SigningProposal)).one()
    sign_in_client(client, admin, exchange)
    route = "/signing/proposals/{proposal_id}/approve"
    walk.call("POST", route, route.replace("{proposal_id}", public(client, "signing_proposal", proposal.id)))
    with session_factory() as session:
        wallet = public(client, "signing_wallet", session.scalars(select(SigningWallet.id)).one())
    walk.call(
        "POST",
        "/signing/checks",
        data={"wallet_id": wallet, "kind": "safe", "transaction": json.dumps(BYBIT)},
    )
    walk.call(
        "POST",
        "/api/v1/signing/checks",
        json={"wallet_id": wallet, "kind": "safe", "transaction": BYBIT},
        headers={"authorization": f"Bearer {token}"},
    )
    # A second proposal withdrawn by its proposer, a third rejected by the other member.
    for decision, proposer, decider in (("withdraw", officer, officer), ("reject", officer, admin)):
        sign_in_client(client, proposer, exchange)
        walk.call(
            "POST", "/signing/proposals", data={"definition": json.dumps(COLD_SAFE), "wallet_id": wallet}
        )
        with session_factory() as session:
            pending = session.scalars(
                select(SigningProposal).where(SigningProposal.status == "pending")
            ).one()
        sign_in_client(client, decider, exchange)
        route = f"/signing/proposals/{{proposal_id}}/{decision}"
        path = route.replace("{proposal_id}", public(client, "signing_proposal", pending.id))
        walk.call("POST", route, path, data={"reason": "limit too high"})

    with transaction(session_factory) as session:
        feed = create_collection(session, title="Signing blocks", alias="blocks")  # members may write
        feed_id = feed.id
    with session_factory() as session:
        check = session.scalars(select(SigningCheck.id).order_by(SigningCheck.id)).first()
    assert check is not None
    sign_in_client(client, officer, exchange)
    route = "/signing/checks/{check_id}/report"
    walk.call(
        "POST",
        route,
        route.replace("{check_id}", public(client, "signing_check", check)),
        data={
            "code": "SAFE_DELEGATECALL_UNTRUSTED",
            "address": "0x96221423681A6d52E184D440a8eFCEbB105C7242",  # the Bybit delegatecall target
            "collection": feed_id,
            "tlp": "amber",
        },
    )


def test_exercise_scenario(walk: Walk, session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    client = walk.client
    supervisor, [inspector] = _members(session_factory, OrganisationKind.SUPERVISOR, Role.INSPECTOR)
    prepared(session_factory)
    sign_in_client(client, inspector, supervisor)
    document = {**builtin_document(), "key": "walk-scenario"}
    files = {"file": ("walk.json", json.dumps(document).encode(), "application/json")}
    walk.call("POST", "/exercise/scenarios/import", files=files)
    route = "/exercise/scenarios/{key}/{version}/xlsx"
    walk.call("GET", route, route.replace("{key}", "walk-scenario").replace("{version}", "1"))


def test_tlpt_scenario(walk: Walk, session_factory: sessionmaker[Session]) -> None:
    client = walk.client
    w = tlpt_world(session_factory)
    sign_in_client(client, w.manager, w.authority)
    walk.call(
        "POST",
        "/tlpt/engagements",
        data={"code_name": "AUDITED", "firm": w.firm.slug, "framework": "rts", "notified_on": "2026-01-05"},
    )
    with session_factory() as session:
        engagement = public(client, "tlpt_engagement", session.scalars(select(TlptEngagement.id)).one())
    path = f"/tlpt/{engagement}"
    walk.call(
        "POST",
        "/tlpt/{engagement_id}/providers",
        f"{path}/providers",
        data={"kind": "ti", "provider": w.ti.slug, **TLPT_CHECKS},
    )
    walk.call(
        "POST",
        "/tlpt/{engagement_id}/members",
        f"{path}/members",
        data={"email": "control@sakura.example", "team": "control_team"},
    )
    walk.call("POST", "/tlpt/{engagement_id}/scope", f"{path}/scope", data={"functions": "Withdrawals"})
    walk.call(
        "POST",
        "/tlpt/{engagement_id}/phases/deadline",
        f"{path}/phases/deadline",
        data={"phase": "provider_selection", "due_on": "2026-04-20"},
    )
    walk.call(
        "POST",
        "/tlpt/{engagement_id}/phases/complete",
        f"{path}/phases/complete",
        data={"phase": "scoping", "on": "2026-03-02"},
    )
    walk.call(
        "POST",
        "/tlpt/{engagement_id}/deliverables",
        f"{path}/deliverables",
        data={"phase": "scoping"},
        files={"file": ("scope.txt", b"scope")},
    )
    with session_factory() as session:
        deliverable = public(client, "tlpt_deliverable", session.scalars(select(TlptDeliverable.id)).one())
    route = "/tlpt/{engagement_id}/deliverables/{deliverable_id}"
    walk.call("GET", route, f"{path}/deliverables/{deliverable}")
    with transaction(session_factory) as session:  # active testing has ended; the firm self-assessed
        session.execute(update(TlptEngagement).values(phase="red_team_report"))
        cycle = assessment_service.ensure_cycle(session, "TLPT", ensure_builtin_catalog(session).id)
        assessment = assessment_service.start_assessment(session, w.firm.id, cycle)
        control = assessment_service.view_of(session, assessment).controls[0].control_id
    walk.call(
        "POST",
        "/tlpt/{engagement_id}/findings",
        f"{path}/findings",
        data={
            "title": "Phishing",
            "cvss_vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "attack_technique": "T1566",
            "critical_function": "Withdrawals",
            "control_id": control,
            "found_maturity": "1",
        },
    )
    with transaction(session_factory) as session:
        session.execute(update(TlptEngagement).values(phase="attestation"))
    walk.call("POST", "/tlpt/{engagement_id}/attestation", f"{path}/attestation")


@pytest.mark.parametrize(
    "command",
    [
        (
            "org",
            "create",
            "sakura",
            "--kind",
            "exchange",
            "--name-ja",
            "桜",
            "--name-en",
            "Sakura",
            "--admin",
            "a@sakura.example",
        ),
        ("intel", "collection-create", "Console feed", "--alias", "console"),
        ("screen", "check", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
    ],
)
def test_commands_audit_like_the_pages(
    command: tuple[str, ...], settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    done = run_cli(settings, *command)
    assert done.returncode == 0, done.stderr
    expected = COMMANDS[" ".join(command[:2])]
    assert isinstance(expected, frozenset)
    with session_factory() as session:
        entries = session.scalars(select(AuditEntry)).all()
    assert expected <= {entry.action for entry in entries}
    assert all(entry.details["channel"] == "cli" for entry in entries)


def test_every_audited_command_writes_its_entries(
    settings: Settings,
    session_factory: sessionmaker[Session],
    smtp: tuple[int, Inbox],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A console session running every command the table says writes entries, each checked for the
    entries it added (channel ``cli``, no acting person)."""
    monkeypatch.setenv("CYBERDELTA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CYBERDELTA_SMTP_PORT", str(smtp[0]))
    monkeypatch.setenv("CYBERDELTA_SMTP_SENDER", "noreply@cyberdelta.example")
    with transaction(session_factory) as session:
        world = populate(session, orgs=6, cycles=1)
        firm = _organisation(session, world.organisations[0])
        due = make_organisation(session, OrganisationKind.EXCHANGE, slug="due-exchange")
        make_member(session, due, Role.SECURITY_OFFICER, "ciso@due.example")
        supervision_service.open_cycle(
            session,
            name="Due soon",
            catalog_version_id=ensure_builtin_catalog(session).id,
            opens_on=date.today() - timedelta(days=30),
            closes_on=date.today() + timedelta(days=7),
            participant_ids=[due.id],
            actor=Actor.console(),
        )
        firm_slug, cycle = firm.slug, world.cycles[-1]
    catalog, misp, sdn, batch = (
        tmp_path / name for name in ("catalog.json", "misp.json", "sdn.xml", "in.csv")
    )
    catalog.write_bytes(as_bytes(assessment_catalog("9.9")))
    crosswalk = tmp_path / "crosswalk.json"
    crosswalk.write_bytes(as_bytes(mapping_collection([("gv-1", "GV.PO-01", "intersects-with")])))
    misp.write_text(json.dumps(misp_event()), encoding="utf-8")
    sdn.write_bytes(SDN_XML)
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({**builtin_document(), "key": "cli-scenario"}), encoding="utf-8")
    batch.write_text("address\n" + LAZARUS_ETH.lower() + "\n", encoding="utf-8")
    session_commands: list[tuple[str, ...]] = [
        ("admin", "create", "root@operator.example"),
        ("org", "create", "kaede", "--kind", "exchange", "--name-ja", "楓", "--name-en", "Kaede",
         "--admin", "ciso@kaede.example"),
        ("member", "add", "kaede", "viewer@kaede.example", "--role", "viewer"),
        ("token", "create", "--org", "kaede", "--permission", "assessment:read"),
        ("catalog", "import", str(catalog), "--key", "cli-catalog"),
        ("catalog", "import-mapping", str(crosswalk), "--catalog", "cli-catalog"),
        ("catalog", "export", "cyberdelta-cssa", "--format", "oscal-profile", "--level", "basic",
         "--out", str(tmp_path / "basic.json")),
        ("catalog", "import-profile", str(tmp_path / "basic.json"), "--catalog", "cyberdelta-cssa",
         "--key", "cssa-basic"),
        ("intel", "collection-create", "Console feed", "--alias", "console"),
        ("intel", "grant", "console", "kaede", "--write"),
        ("intel", "import", str(misp), "--collection", "console", "--organisation", "kaede"),
        ("screen", "import", str(sdn), "--source", "ofac-sdn-xml"),
        ("screen", "check", "0x47666fab8bd0ac7003bce3f5c3585383f09486e2"),
        ("screen", "batch", str(batch), "--out", str(tmp_path / "out.csv")),
        ("benchmark", "recompute"),
        ("benchmark", "publish", str(cycle)),
        ("benchmark", "feedback", "--cycle", str(cycle), "--out", str(tmp_path / "fb"), "--language", "en"),
        ("assessment", "report", firm_slug, "--output", str(tmp_path / "report.pdf"), "--language", "en"),
        ("cycle", "remind"),
        ("exercise", "scenario", "export", "delta-wall-outflow", "--out", str(tmp_path / "mel.xlsx")),
        ("exercise", "scenario", "import", str(scenario)),
    ]  # fmt: skip
    ran: set[str] = set()
    for command in session_commands:
        with session_factory() as session:
            before = session.scalar(select(func.max(AuditEntry.sequence))) or 0
        done = run_cli(settings, *command)
        assert done.returncode in (0, 5), (command, done.stdout, done.stderr)  # 5: a screening hit
        name = " ".join(command[:3]) if " ".join(command[:3]) in COMMANDS else " ".join(command[:2])
        expected = COMMANDS[name]
        if not isinstance(expected, frozenset):  # a step that prepares the next one
            continue
        with session_factory() as session:
            added = session.scalars(select(AuditEntry).where(AuditEntry.sequence > before)).all()
        assert expected & {entry.action for entry in added}, (name, [entry.action for entry in added])
        assert all(entry.details["channel"] == "cli" and entry.actor_user_id is None for entry in added)
        ran.add(name)
    assert ran == {name for name, value in COMMANDS.items() if isinstance(value, frozenset)}
    assert smtp[1].messages, "the reminder went out"


def test_catalog_scenario(walk: Walk, session_factory: sessionmaker[Session]) -> None:
    """The operator imports a profile with its source catalog, then a mapping collection."""
    client = walk.client
    operator, [admin] = _members(session_factory, OrganisationKind.OPERATOR, Role.PLATFORM_ADMIN)
    sign_in_client(client, admin, operator)
    files = {
        "profile": ("tailoring.json", as_bytes(profile()), "application/json"),
        "catalog_file": (
            "sp800-53.json",
            as_bytes(full_catalog(controls_per_family=6, enhancements=3)),
            "application/json",
        ),
    }
    resolved = walk.call("POST", "/catalogs/profiles", files=files)
    key, version = resolved.headers["location"].split("/")[2:4]
    walk.call(
        "POST",
        "/catalogs/{key}/{version}/mappings",
        f"/catalogs/{key}/{version}/mappings",
        files={
            "file": (
                "csf.json",
                as_bytes(mapping_collection([("ac-1", "GV.PO-01", "intersects-with")])),
                "application/json",
            )
        },
    )
