"""A pending wallet change is decided once (docs/signing.md, "Four eyes"): applied by a second
approver, withdrawn by its proposer, or rejected with a reason by another member; each step needs
``signing:manage`` with a passkey step-up, is audited, and shows on the page. A decided change cannot
be decided again (409); another organisation's is not found (404). Both databases, the real app."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.models import AuthSession
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.signing.models import SigningProposal, SigningWallet
from tests.accounts_factories import sign_in_client
from tests.public_ids import public
from tests.signing.test_platform import COLD_SAFE, _team


def _propose(client: TestClient, factory: sessionmaker[Session]) -> tuple[int, str]:
    answer = client.post(
        "/signing/proposals", data={"definition": json.dumps(COLD_SAFE)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    with factory() as session:
        proposal = session.scalars(select(SigningProposal).order_by(SigningProposal.id.desc())).first()
        assert proposal is not None
    return proposal.id, f"/signing/proposals/{public(client, 'signing_proposal', proposal.id)}"


def _proposal(factory: sessionmaker[Session], proposal_id: int) -> SigningProposal:
    with factory() as session:
        proposal = session.get(SigningProposal, proposal_id)
        assert proposal is not None
        return proposal


def _audited(factory: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_proposer_withdraws_their_pending_change_and_nobody_can_apply_it_afterwards(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    sign_in_client(client, first, org)
    proposal_id, path = _propose(client, session_factory)
    page = client.get("/signing")
    assert f'action="{path}/withdraw"' in page.text and f'action="{path}/reject"' not in page.text
    sign_in_client(client, second, org)
    assert client.post(f"{path}/withdraw", follow_redirects=False).status_code == 403  # not theirs
    assert _proposal(session_factory, proposal_id).status == "pending"
    sign_in_client(client, first, org)
    assert client.post(f"{path}/withdraw", follow_redirects=False).status_code == 303
    withdrawn = _proposal(session_factory, proposal_id)
    assert (withdrawn.status, withdrawn.closed_by) == ("withdrawn", first.id)
    assert withdrawn.closed_at is not None
    [entry] = _audited(session_factory, "signing.change_withdrawn")
    assert entry.actor_user_id == first.id and entry.object_id == str(proposal_id)
    page = client.get("/signing")
    assert 'data-status="withdrawn"' in page.text and "取り下げ" in page.text
    assert f'action="{path}/withdraw"' not in page.text
    sign_in_client(client, second, org)
    refused = client.post(f"{path}/approve", follow_redirects=False)
    assert refused.status_code == 409 and "提案者が取り下げ" in refused.text
    assert client.post(f"{path}/reject", data={"reason": "late"}, follow_redirects=False).status_code == 409
    sign_in_client(client, first, org)
    assert client.post(f"{path}/withdraw", follow_redirects=False).status_code == 409
    with session_factory() as session:
        assert session.scalar(select(func.count(SigningWallet.id))) == 0


def test_a_second_member_rejects_a_change_with_a_reason_shown_on_the_page(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    sign_in_client(client, first, org)
    proposal_id, path = _propose(client, session_factory)
    assert client.post(f"{path}/reject", data={"reason": "mine"}, follow_redirects=False).status_code == 403
    sign_in_client(client, second, org)
    assert f'action="{path}/reject"' in client.get("/signing").text
    blank = client.post(f"{path}/reject", data={"reason": "  "}, headers={"accept": "application/json"})
    assert blank.status_code == 422 and blank.json()["field"] == "reason"
    assert _proposal(session_factory, proposal_id).status == "pending"
    reason = "The limit is ten times the approved one (ticket SEC-118)"
    assert client.post(f"{path}/reject", data={"reason": reason}, follow_redirects=False).status_code == 303
    rejected = _proposal(session_factory, proposal_id)
    assert (rejected.status, rejected.closed_by, rejected.reason) == ("rejected", second.id, reason)
    [entry] = _audited(session_factory, "signing.change_rejected")
    details = entry.details if isinstance(entry.details, dict) else json.loads(entry.details)
    assert entry.actor_user_id == second.id and details["reason"] == reason
    assert details["proposed_by"] == first.id
    page = client.get("/signing")
    assert 'data-status="rejected"' in page.text and reason in page.text
    assert client.post(f"{path}/approve", follow_redirects=False).status_code == 409
    with session_factory() as session:
        assert session.scalar(select(func.count(SigningWallet.id))) == 0


def test_an_applied_change_cannot_be_withdrawn_or_rejected(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    sign_in_client(client, first, org)
    proposal_id, path = _propose(client, session_factory)
    sign_in_client(client, second, org)
    assert client.post(f"{path}/approve", follow_redirects=False).status_code == 303
    assert client.post(f"{path}/reject", data={"reason": "x"}, follow_redirects=False).status_code == 409
    sign_in_client(client, first, org)
    assert client.post(f"{path}/withdraw", follow_redirects=False).status_code == 409
    assert _proposal(session_factory, proposal_id).status == "applied"
    assert 'data-status="applied"' in client.get("/signing").text


def test_deciding_needs_signing_manage_a_recent_step_up_and_the_same_organisation(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, contributor = _team(session_factory)
    sign_in_client(client, first, org)
    proposal_id, path = _propose(client, session_factory)
    sign_in_client(client, contributor, org)
    assert client.post(f"{path}/reject", data={"reason": "no"}, follow_redirects=False).status_code == 403
    sign_in_client(client, second, org)
    with transaction(session_factory) as session:
        session.execute(update(AuthSession).values(stepped_up_at=utcnow() - timedelta(minutes=30)))
    stale = client.post(f"{path}/reject", data={"reason": "no"}, follow_redirects=False)
    assert stale.status_code == 200 and 'id="step-up-resume"' in stale.text  # the form is kept
    other, stranger, _, _ = _team(session_factory)
    sign_in_client(client, stranger, other)
    assert client.post(f"{path}/reject", data={"reason": "no"}, follow_redirects=False).status_code == 404
    assert client.post(f"{path}/withdraw", follow_redirects=False).status_code == 404
    assert _proposal(session_factory, proposal_id).status == "pending"
