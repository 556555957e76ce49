"""After sign-off nothing the signature covers may change (OWASP ASVS 5.0 V8 "Authorization";
docs/assessment.md, "Workflow"): evidence can be neither uploaded to, attached to nor detached from a
submitted or accepted assessment, and its report shows the evidence of the sign-off snapshot."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment, Evidence, EvidenceUse
from cyberdelta.assessment.report import render_report_html
from cyberdelta.assessment.workflow import Action
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Role
from tests.assessment.helpers import answer_all, reload
from tests.assessment.test_evidence_routes import PDF, count
from tests.assessment.test_routes import member
from tests.assessment.test_transitions import ALL, act
from tests.public_ids import public


def _submitted_with_evidence(
    client: TestClient, factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> int:
    member(factory, exchange, Role.SECURITY_OFFICER, client)
    answer_all(factory, assessment, ALL)
    answer = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/evidence",
        data={"title": "署名前の規程", "control_id": "gv-1"},
        files={"file": ("policy.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    act(factory, assessment, Action.REQUEST_REVIEW)
    act(factory, assessment, Action.SIGN_OFF)
    with transaction(factory) as session:
        evidence_id = session.scalars(select(Evidence.id)).one()
    return evidence_id


def test_no_evidence_can_be_added_attached_or_detached_after_sign_off(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    evidence_id = _submitted_with_evidence(client, session_factory, exchange, assessment)
    uploaded = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/evidence",
        data={"title": "後から差し込んだ資料", "control_id": "gv-2"},
        files={"file": ("later.pdf", PDF + b" ", "application/pdf")},
        follow_redirects=False,
    )
    attached = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/controls/gv-2/evidence",
        data={"evidence_id": evidence_id},
        follow_redirects=False,
    )
    detached = client.post(
        f"/assessment/{public(client, 'assessment', assessment.id)}/controls/gv-1/evidence",
        data={"evidence_id": evidence_id, "detach": "1"},
        follow_redirects=False,
    )
    assert {uploaded.status_code, attached.status_code, detached.status_code} == {409}
    assert count(session_factory, Evidence) == 1 and count(session_factory, EvidenceUse) == 1


def test_the_report_of_a_submitted_revision_shows_the_evidence_of_its_snapshot(
    client: TestClient, session_factory: sessionmaker[Session], exchange: Organisation, assessment: Assessment
) -> None:
    _submitted_with_evidence(client, session_factory, exchange, assessment)
    with transaction(session_factory) as session:
        # Someone with database access relinks evidence after sign-off: the report must not follow.
        for use in session.scalars(select(EvidenceUse)):
            session.delete(use)
    with transaction(session_factory) as session:
        html = render_report_html(session, reload(session, assessment))
    assert "署名前の規程" in html
