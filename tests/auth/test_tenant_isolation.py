"""Tenant isolation: for every route that takes an object id, a member of organisation A asking
for organisation B's object gets 404, the answer contains nothing of B's, and B's object is
untouched. Routes come from the router: a new route with an ``*_id`` parameter needs an entry.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import evidence, plan
from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment.models import Assessment, ReportJob, Response
from cyberdelta.auth.models import ApiToken, Passkey
from cyberdelta.auth.tokens import authenticate_api_token
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.intel import service as intel_service
from cyberdelta.intel.models import IntelStatus
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.signing.models import SigningCheck, SigningProposal, SigningWallet
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.models import Invitation, Membership, Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import ROLE_PERMISSIONS, Permission, Role
from cyberdelta.tlpt.deliverables import upload
from cyberdelta.tlpt.engagements import open_engagement
from cyberdelta.tlpt.keys import master_key
from cyberdelta.tlpt.models import TlptEngagement, TlptMember
from tests.accounts_factories import make_api_token, make_member, make_organisation, sign_in_client
from tests.auth.route_policies import EXPECTED
from tests.auth.route_table import endpoints
from tests.public_ids import public
from tests.signing.test_platform import COLD_SAFE

# Which object of organisation B (or of B's user) each id parameter names.
OBJECTS = {
    "proposal_id",
    "wallet_id",
    "check_id",
    "passkey_id",
    "token_id",
    "invitation_id",
    "membership_id",
    "assessment_id",
    "evidence_id",
    "item_id",
    "job_id",
    "status_id",
    "engagement_id",
    "deliverable_id",
}
# Ids of objects that belong to no single organisation: an assessment cycle is opened by the
# supervisor for many exchanges (a non-participant's start answers 404: tests/supervision); a
# feedback run is the supervisor's batch over a whole cycle (supervisor only: tests/benchmark). A TAXII
# collection serves the whole hub; only intel:admin administers it (tests/intel/test_admin_pages.py).
SHARED = {"cycle_id", "run_id", "collection_id"}


@dataclass
class TheirWorld:
    ids: dict[str, str]
    secrets: list[str]
    raw_token: str


def _their_world(app: FastAPI, session_factory: sessionmaker[Session], settings: Settings) -> TheirWorld:
    with transaction(session_factory) as session:
        theirs = make_organisation(
            session,
            OrganisationKind.EXCHANGE,
            slug="rival-exchange",
            name_ja="ライバル取引所",
            name_en="Rival",
        )
        their_admin = make_member(session, theirs, Role.ORG_ADMIN, email="boss@rival.example")
        raw = make_api_token(session, theirs, [Permission.INTEL_READ])
        invitation, _url = invitations.create_invitation(
            session, settings, theirs, "newcomer@rival.example", Role.VIEWER, None
        )
        passkey = Passkey(
            user_id=their_admin.id, credential_id="rival-credential", public_key=b"\x00", name="Rival key"
        )
        session.add(passkey)
        session.flush()
        membership = session.scalars(select(Membership).where(Membership.user_id == their_admin.id)).one()
        token_id = session.scalars(select(ApiToken.id)).one()
        proposal = SigningProposal(
            organisation_id=theirs.id, definition=json.dumps(COLD_SAFE | {"name": "Rival"}), status="pending"
        )
        session.add(proposal)
        wallet = SigningWallet(
            organisation_id=theirs.id, name="Rival cold", kind="safe", definition=json.dumps(COLD_SAFE)
        )
        session.add(wallet)
        session.flush()
        check = SigningCheck(
            organisation_id=theirs.id,
            wallet_id=wallet.id,
            kind="safe",
            input_sha256="0" * 64,
            verdict="block",
            block_count=1,
            findings=json.dumps([{"code": "SAFE_DELEGATECALL_UNTRUSTED", "severity": "block", "path": "$"}]),
        )
        session.add(check)
        session.flush()
        ids = {
            "wallet_id": public(app, "signing_wallet", wallet.id),
            "check_id": public(app, "signing_check", check.id),
            **_their_engagement(app, session, settings, theirs),
            "proposal_id": public(app, "signing_proposal", proposal.id),
            # As their URLs name them: public ids (docs/architecture.md, "Public ids").
            "passkey_id": public(app, "passkey", passkey.id),
            "token_id": public(app, "api_token", token_id),
            "invitation_id": public(app, "invitation", invitation.id),
            "membership_id": public(app, "membership", membership.id),
            "status_id": _their_intel_status(session, theirs.id),
            **_their_assessment(app, session, theirs.id),
        }
    return TheirWorld(ids, ["rival", "Rival", "ライバル", "newcomer@", "boss@", raw[:12], "RIVAL-TLPT"], raw)


def _their_engagement(
    app: FastAPI, session: Session, settings: Settings, firm: Organisation
) -> dict[str, str]:
    """A TLPT engagement of their firm, opened by their authority, with a deliverable (docs/tlpt.md)."""
    authority = make_organisation(session, OrganisationKind.SUPERVISOR, slug="rival-authority")
    manager = make_member(session, authority, Role.INSPECTOR, email="manager@rival-authority.example")
    actor, key = Actor.person(manager.id, authority.id), master_key(settings)
    engagement = open_engagement(
        session,
        actor,
        key,
        code_name="RIVAL-TLPT",
        firm_slug=firm.slug,
        framework="rts",
        notified_on=date.today(),
    )
    document = upload(
        session, actor, key, engagement.id, phase="scoping", name="rival.txt", content=b"Rival", max_bytes=100
    )
    return {
        "engagement_id": public(app, "tlpt_engagement", engagement.id),
        "deliverable_id": public(app, "tlpt_deliverable", document.id),
    }


def _their_intel_status(session: Session, organisation_id: int) -> str:
    """The status resource of B's TAXII upload or file import (only B may follow it)."""
    collection = intel_service.create_collection(session, title="Rival feed", default_tlp=Tlp.AMBER)
    status = IntelStatus(
        id=str(uuid.uuid4()), collection_id=collection.id, organisation_id=organisation_id, status="complete",
        request_timestamp_us=0, total_count=1, success_count=0, failure_count=1, pending_count=0,
        successes=[], failures=[{"id": "indicator--x", "version": "", "message": "Rival secret"}],
    )  # fmt: skip
    session.add(status)
    session.flush()
    return status.id


def _their_assessment(app: FastAPI, session: Session, organisation_id: int) -> dict[str, str]:
    """B's self-assessment (a draft with one answer, evidence, an improvement item and a report job)."""
    version = ensure_builtin_catalog(session)
    assessment = assessment_service.start_assessment(
        session, organisation_id, assessment_service.ensure_cycle(session, "2026", version.id)
    )
    control = assessment_service.view_of(session, assessment).controls[0]
    assessment_service.save_response(
        session,
        assessment,
        control.control_id,
        assessment_service.ResponseInput(maturity=0, comment="Rival secret"),
        expected_version=0,
        user_id=None,
    )
    link = evidence.add_link(
        session, organisation_id, url="https://rival.example/x", title="Rival", actor=Actor.console()
    )
    evidence.attach(session, Actor.console(), assessment, link, [control.control_id])
    [item] = plan.refresh_plan(session, assessment)
    job = ReportJob(organisation_id=organisation_id, assessment_id=assessment.id, language="ja")
    session.add(job)
    session.flush()
    return {
        "assessment_id": public(app, "assessment", assessment.id),
        "evidence_id": public(app, "evidence", link.id),
        "item_id": public(app, "plan_item", item.id),
        "job_id": public(app, "report_job", job.id),
        "control_id": control.control_id,
        "code": control.domain,
        "action": "request_review",
    }


def test_another_organisations_objects_answer_404_and_stay_untouched(
    client: TestClient, app: FastAPI, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    world = _their_world(app, session_factory, settings)
    with transaction(session_factory) as session:
        mine = make_organisation(session, OrganisationKind.EXCHANGE, slug="my-exchange")
        me = make_member(session, mine, Role.ORG_ADMIN, email="admin@mine.example")
        # Routes the org admin may not use are tried by the member whose role may: the answer must
        # still be 404, never someone else's object.
        colleagues = {
            role: make_member(session, mine, role, email=f"{role}@mine.example")
            for role in (Role.SECURITY_OFFICER, Role.EXECUTIVE_APPROVER)
        }
        supervisor = make_organisation(session, OrganisationKind.SUPERVISOR, slug="my-supervisor")
        inspector = make_member(session, supervisor, Role.INSPECTOR, email="inspector@fsa.example")
    routes = [e for e in endpoints(app) if any(f"{{{name}}}" in e.path for name in OBJECTS)]
    # Public routes (the supervisory catalog) hold no organisation's data.
    unknown = [
        e.path
        for e in endpoints(app)
        if "_id}" in e.path
        and EXPECTED[(e.method, e.path)] != "public"
        and not any(n in e.path for n in OBJECTS | SHARED)
    ]
    assert not unknown, f"routes with an object id this test does not know: {unknown}"
    assert len(routes) >= 7
    for endpoint in routes:
        policy = EXPECTED[(endpoint.method, endpoint.path)]
        if policy == Permission.ASSESSMENT_REVIEW:
            sign_in_client(client, inspector, supervisor)
        elif isinstance(policy, Permission) and not me_may(policy):
            role = next(r for r in colleagues if policy in ROLE_PERMISSIONS[r])
            sign_in_client(client, colleagues[role], mine)
        else:
            sign_in_client(client, me, mine)
        form = {"name": "stolen", "role": "viewer"}
        response = client.request(
            endpoint.method, endpoint.sample_path(world.ids), data=form if endpoint.method == "POST" else None
        )
        assert response.status_code == 404, f"{endpoint.method} {endpoint.path}: {response.status_code}"
        leaked = [text for text in world.secrets if text in response.text]
        assert not leaked, f"{endpoint.method} {endpoint.path} shows {leaked}"
    with transaction(session_factory) as session:
        assert authenticate_api_token(session, world.raw_token) is not None
        assert session.scalars(select(Invitation)).one().revoked_at is None
        passkey = session.scalars(select(Passkey)).one()
        assert (passkey.name, passkey.revoked_at) == ("Rival key", None)
        roles = {
            m.role for m in session.scalars(select(Membership).where(Membership.organisation_id != mine.id))
        }
        assert roles == {"org_admin", "inspector"}
        draft = session.scalars(select(Assessment).where(Assessment.organisation_id != mine.id)).one()
        assert draft.state == "draft"
        [answer] = session.scalars(select(Response).where(Response.assessment_id == draft.id))
        assert (answer.maturity, answer.comment, answer.version) == (0, "Rival secret", 1)
        assert session.scalars(select(SigningProposal.status)).one() == "pending"
        assert session.scalars(select(TlptEngagement.phase)).one() == "scoping"
        assert session.scalar(select(func.count()).select_from(TlptMember)) == 1


def me_may(permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role.ORG_ADMIN]
