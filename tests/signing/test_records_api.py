"""The wallet team's JSON reads (docs/signing.md, "Reading wallets, proposals and checks"): wallets
with their definition in force, proposals whatever their status, and every check's record (who,
when, input hash, verdict, finding codes), by public id, readable by API tokens given
``signing:check``; another organisation's rows are 404 and never listed. Both databases."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.signing.models import SigningProposal
from cyberdelta.tenancy.permissions import Permission
from tests.accounts_factories import make_api_token, sign_in_client
from tests.public_ids import public
from tests.signing.safe_fixtures import BYBIT, BYBIT_SAFE
from tests.signing.test_platform import BTC_WALLET, COLD_SAFE, _register, _team


def test_a_token_with_signing_check_reads_wallets_proposals_and_check_records(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    safe_id = _register(client, session_factory, org, first, second, COLD_SAFE)
    btc_id = _register(client, session_factory, org, first, second, BTC_WALLET)
    sign_in_client(client, first, org)
    changed = {**COLD_SAFE, "policy": {"limits": {"native": "5"}}}
    wallet = public(client, "signing_wallet", safe_id)
    client.post("/signing/proposals", data={"definition": json.dumps(changed), "wallet_id": wallet})
    with transaction(session_factory) as session:
        token = make_api_token(session, org, [Permission.SIGNING_CHECK])
    client.cookies.clear()
    bearer = {"authorization": f"Bearer {token}"}
    checked = client.post(
        "/api/v1/signing/checks",
        json={"wallet_id": wallet, "kind": "safe", "transaction": BYBIT},
        headers=bearer,
    ).json()

    wallets = client.get("/api/v1/signing/wallets", headers=bearer)
    assert wallets.status_code == 200, wallets.text
    assert [(w["wallet_id"], w["name"], w["kind"]) for w in wallets.json()] == [
        (wallet, "Cold wallet", "safe"),
        (public(client, "signing_wallet", btc_id), "Bitcoin treasury", "bitcoin"),
    ]
    one = client.get(f"/api/v1/signing/wallets/{wallet}", headers=bearer).json()
    assert one["definition"]["safe"]["address"] == BYBIT_SAFE
    assert one["definition"]["policy"] == COLD_SAFE["policy"]  # the pending change is not in force

    proposals = client.get("/api/v1/signing/proposals", headers=bearer).json()
    assert [p["status"] for p in proposals] == ["pending", "applied", "applied"]  # newest first
    assert proposals[0]["wallet_id"] == wallet and proposals[0]["definition"]["policy"] == changed["policy"]
    assert proposals[1]["approved_by"] == second.display_name
    assert proposals[0]["proposed_by"] == first.display_name and proposals[0]["approved_by"] is None
    with session_factory() as session:
        pending = session.scalars(select(SigningProposal).where(SigningProposal.status == "pending")).one()
    path = f"/api/v1/signing/proposals/{public(client, 'signing_proposal', pending.id)}"
    assert client.get(path, headers=bearer).json()["proposal_id"] == proposals[0]["proposal_id"]

    checks = client.get("/api/v1/signing/checks", headers=bearer).json()
    assert len(checks) == 1
    [record] = checks
    assert record["check_id"] == checked["check_id"] and record["wallet_id"] == wallet
    assert (record["kind"], record["verdict"]) == ("safe", "block")
    assert record["input_sha256"] == checked["input_sha256"] and record["checked_at"]
    assert (record["checked_by"], record["token"]) == (None, "test token")  # a token made at the console
    assert "SAFE_DELEGATECALL_UNTRUSTED" in {f["code"] for f in record["findings"]}
    assert record["block_count"] == sum(1 for f in record["findings"] if f["severity"] == "block")
    again = client.get(f"/api/v1/signing/checks/{checked['check_id']}", headers=bearer)
    assert again.status_code == 200 and again.json() == record


def test_reading_needs_signing_check_and_changes_are_not_offered_to_tokens(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    safe_id = _register(client, session_factory, org, first, second, COLD_SAFE)
    with transaction(session_factory) as session:
        reader = make_api_token(session, org, [Permission.ASSESSMENT_READ])
        checker = make_api_token(session, org, [Permission.SIGNING_CHECK])
    client.cookies.clear()
    wallet = public(client, "signing_wallet", safe_id)
    for path in ("/api/v1/signing/wallets", f"/api/v1/signing/wallets/{wallet}", "/api/v1/signing/checks"):
        assert client.get(path, headers={"authorization": f"Bearer {reader}"}).status_code == 403
    proposed = client.post(
        "/signing/proposals",
        data={"definition": json.dumps(COLD_SAFE)},
        headers={"authorization": f"Bearer {checker}"},
    )
    assert proposed.status_code in (401, 403)


def test_another_organisations_wallet_proposal_and_check_are_not_found(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    safe_id = _register(client, session_factory, org, first, second, COLD_SAFE)
    wallet = public(client, "signing_wallet", safe_id)
    checked = client.post(
        "/api/v1/signing/checks", json={"wallet_id": wallet, "kind": "safe", "transaction": BYBIT}
    ).json()
    with session_factory() as session:
        proposal = session.scalars(select(SigningProposal)).one()
    other, stranger, _, _ = _team(session_factory)
    with transaction(session_factory) as session:
        token = make_api_token(session, other, [Permission.SIGNING_CHECK])
    client.cookies.clear()
    bearer = {"authorization": f"Bearer {token}"}
    for path in (
        f"/api/v1/signing/wallets/{wallet}",
        f"/api/v1/signing/proposals/{public(client, 'signing_proposal', proposal.id)}",
        f"/api/v1/signing/checks/{checked['check_id']}",
        f"/api/v1/signing/checks/{wallet}",  # a wallet's public id is no check's
    ):
        assert client.get(path, headers=bearer).status_code == 404, path
    for path in ("/api/v1/signing/wallets", "/api/v1/signing/proposals", "/api/v1/signing/checks"):
        answer = client.get(path, headers=bearer)
        assert answer.status_code == 200 and answer.json() == [], path
    sign_in_client(client, stranger, other)
    assert client.get("/api/v1/signing/checks").json() == []
    sign_in_client(client, first, org)
    [mine] = client.get("/api/v1/signing/checks").json()
    assert (mine["checked_by"], mine["token"]) == (second.display_name, None)  # the approver checked it
