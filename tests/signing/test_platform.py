"""The signing guard in the platform (docs/signing.md, "In the platform"): wallets registered under
four eyes with a passkey step-up, transactions checked with the stored policy, every check recorded
and audited, bad input refused with its place and nothing recorded — on both databases, through the
real app with signed-in sessions and API tokens."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.models import AuthSession
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.signing.models import SigningCheck, SigningProposal, SigningWallet
from cyberdelta.tenancy.models import Organisation, OrganisationKind, User
from cyberdelta.tenancy.permissions import Permission, Role
from tests.accounts_factories import make_api_token, make_member, make_organisation, sign_in_client
from tests.public_ids import public
from tests.signing.psbt_builder import DESCRIPTOR, PAYEE, psbt_v0, withdrawal
from tests.signing.safe_fixtures import BYBIT, BYBIT_SAFE

OWNERS = [
    "0x1FE27A73Cd9f0b3C53b6E936D0b4F9B2f8ca3367",
    "0xCFbFaC74C26F8647cBDb8c5caf80BB5b32E43134",
    "0x9641d764fc13c8B624c04430C7356C1C7C8102e2",
]
COLD_SAFE: dict[str, Any] = {
    "name": "Cold wallet",
    "kind": "safe",
    "safe": {"address": BYBIT_SAFE, "chain_id": 1, "version": "1.1.1", "owners": OWNERS, "threshold": 2},
    "policy": {"destinations": [OWNERS[0]], "limits": {"native": "1000000000000000000"}},
}
BTC_WALLET: dict[str, Any] = {
    "name": "Bitcoin treasury",
    "kind": "bitcoin",
    "bitcoin": {"network": "mainnet", "descriptors": [DESCRIPTOR]},
    "policy": {"destinations": [PAYEE], "limits": {"BTC": 1_000_000}},
}


def _team(factory: sessionmaker[Session]) -> tuple[Organisation, User, User, User]:
    with transaction(factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        first = make_member(session, exchange, Role.SECURITY_OFFICER)
        second = make_member(session, exchange, Role.ORG_ADMIN)
        contributor = make_member(session, exchange, Role.CONTRIBUTOR)
    return exchange, first, second, contributor


def _register(
    client: TestClient, factory: sessionmaker[Session], org: Organisation, first: User, second: User,
    definition: dict[str, Any],
) -> int:  # fmt: skip
    """Propose ``definition`` as ``first`` and approve it as ``second``; the wallet's row id."""
    sign_in_client(client, first, org)
    answer = client.post(
        "/signing/proposals", data={"definition": json.dumps(definition)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    with factory() as session:
        proposal = session.scalars(select(SigningProposal).order_by(SigningProposal.id.desc())).first()
        assert proposal is not None
    sign_in_client(client, second, org)
    path = f"/signing/proposals/{public(client, 'signing_proposal', proposal.id)}/approve"
    assert client.post(path, follow_redirects=False).status_code == 303
    with factory() as session:
        applied = session.get(SigningProposal, proposal.id)
        assert applied is not None and applied.wallet_id is not None
        return applied.wallet_id


def _actions(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_wallet_takes_effect_only_when_a_second_member_approves_it(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    sign_in_client(client, first, org)
    answer = client.post(
        "/signing/proposals", data={"definition": json.dumps(COLD_SAFE)}, follow_redirects=False
    )
    assert answer.status_code == 303
    with session_factory() as session:
        proposal = session.scalars(select(SigningProposal)).one()
        assert session.scalar(select(func.count(SigningWallet.id))) == 0
    path = f"/signing/proposals/{public(client, 'signing_proposal', proposal.id)}/approve"
    own = client.post(path, follow_redirects=False)
    assert own.status_code == 403
    assert "2 人目の承認者" in own.text
    sign_in_client(client, second, org)
    assert client.post(path, follow_redirects=False).status_code == 303
    with session_factory() as session:
        wallet = session.scalars(select(SigningWallet)).one()
        assert (wallet.name, wallet.kind, wallet.organisation_id) == ("Cold wallet", "safe", org.id)
        assert json.loads(wallet.definition)["safe"]["threshold"] == 2
    assert client.post(path, follow_redirects=False).status_code == 409  # applied once only
    assert {"signing.change_proposed", "signing.change_approved"} <= set(_actions(session_factory))
    page = client.get("/signing")
    assert page.status_code == 200 and "Cold wallet" in page.text


def test_changing_wallets_needs_signing_manage_and_a_recent_passkey_step_up(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, _second, contributor = _team(session_factory)
    sign_in_client(client, contributor, org)
    assert client.get("/signing").status_code == 200  # signing:check
    refused = client.post(
        "/signing/proposals", data={"definition": json.dumps(COLD_SAFE)}, follow_redirects=False
    )
    assert refused.status_code == 403
    sign_in_client(client, first, org)
    with transaction(session_factory) as session:
        session.execute(update(AuthSession).values(stepped_up_at=utcnow() - timedelta(minutes=30)))
    stale = client.post(
        "/signing/proposals", data={"definition": json.dumps(COLD_SAFE)}, follow_redirects=False
    )
    # The step-up page holds the posted proposal and posts it again once the passkey confirms.
    assert stale.status_code == 200 and 'id="step-up-resume"' in stale.text
    with session_factory() as session:
        assert session.scalar(select(func.count(SigningProposal.id))) == 0


def test_a_bad_definition_is_refused_with_its_field_and_nothing_is_proposed(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, _second, _contributor = _team(session_factory)
    sign_in_client(client, first, org)
    too_high = {**COLD_SAFE, "safe": {**COLD_SAFE["safe"], "threshold": 4}}
    bad_limit = {**COLD_SAFE, "policy": {"limits": {"native": "-1"}}}
    for document, field in (
        (too_high, "wallet $.safe.threshold"),
        ({**COLD_SAFE, "safe": {**COLD_SAFE["safe"], "version": "9.9.9"}}, "wallet $.safe.version"),
        (bad_limit, "wallet $.policy.limits.native"),
        ({**BTC_WALLET, "bitcoin": {"descriptors": ["wpkh(nonsense)"]}}, "wallet $.bitcoin.descriptors[0]"),
    ):
        answer = client.post(
            "/signing/proposals",
            data={"definition": json.dumps(document)},
            headers={"accept": "application/json"},
        )
        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["field"] == field
    with session_factory() as session:
        assert session.scalar(select(func.count(SigningProposal.id))) == 0


def test_the_bybit_transaction_is_blocked_by_the_stored_policy_and_the_check_recorded(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    wallet_id = _register(client, session_factory, org, first, second, COLD_SAFE)
    with transaction(session_factory) as session:
        token = make_api_token(session, org, [Permission.SIGNING_CHECK])
    client.cookies.clear()
    answer = client.post(
        "/api/v1/signing/checks",
        json={"wallet_id": public(client, "signing_wallet", wallet_id), "kind": "safe", "transaction": BYBIT},
        headers={"authorization": f"Bearer {token}", "x-request-id": "check-bybit"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["verdict"] == "block"
    codes = {finding["code"] for finding in body["findings"]}
    assert "SAFE_DELEGATECALL_UNTRUSTED" in codes
    assert body["result"]["safe_tx_hash"] == BYBIT["safeTxHash"]  # chain and version from the wallet
    with session_factory() as session:
        record = session.scalars(select(SigningCheck)).one()
        assert (record.verdict, record.kind, record.wallet_id) == ("block", "safe", wallet_id)
        assert record.input_sha256 == body["input_sha256"] and record.block_count >= 1
        entries = session.scalars(select(AuditEntry).where(AuditEntry.request_id == "check-bybit")).all()
        # The check, and the screening of the addresses it calls (docs/signing.md, "Checking").
        assert sorted(e.action for e in entries) == ["screening.batch", "signing.check"]
        [entry] = [e for e in entries if e.action == "signing.check"]
        details = entry.details if isinstance(entry.details, dict) else json.loads(entry.details)
        assert details["input_sha256"] == body["input_sha256"] and details["verdict"] == "block"


def test_bad_input_answers_422_naming_the_place_and_records_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    safe_id = _register(client, session_factory, org, first, second, COLD_SAFE)
    wallet = public(client, "signing_wallet", safe_id)
    before = len(_actions(session_factory))
    for transaction_input, field in (
        ({**BYBIT, "data": "0xzz"}, "$.data"),
        ("{not json", "transaction"),
        ({**BYBIT, "safe": OWNERS[0]}, "transaction $.safe"),
        ({**BYBIT, "chainId": 5}, None),
    ):
        answer = client.post(
            "/api/v1/signing/checks",
            json={"wallet_id": wallet, "kind": "safe", "transaction": transaction_input},
        )
        assert answer.status_code == 422, answer.text
        if field is not None:
            assert answer.json()["field"] == field
    psbt = client.post(
        "/api/v1/signing/checks", json={"wallet_id": wallet, "kind": "psbt", "transaction": "cHNidP8="}
    )
    assert psbt.status_code == 422 and psbt.json()["field"] == "kind"
    with session_factory() as session:
        assert session.scalar(select(func.count(SigningCheck.id))) == 0
    assert len(_actions(session_factory)) == before


def test_another_organisations_wallet_is_not_found(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    safe_id = _register(client, session_factory, org, first, second, COLD_SAFE)
    other, stranger, _, _ = _team(session_factory)
    sign_in_client(client, stranger, other)
    answer = client.post(
        "/api/v1/signing/checks",
        json={"wallet_id": public(client, "signing_wallet", safe_id), "kind": "safe", "transaction": BYBIT},
    )
    assert answer.status_code == 404
    with session_factory() as session:
        assert session.scalar(select(func.count(SigningCheck.id))) == 0


def test_a_psbt_withdrawal_passes_with_change_recognised_from_the_wallets_descriptor(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, contributor = _team(session_factory)
    btc_id = _register(client, session_factory, org, first, second, BTC_WALLET)
    sign_in_client(client, contributor, org)
    spends, pays = withdrawal()
    text = base64.b64encode(psbt_v0(spends, pays)).decode()
    page = client.post(
        "/signing/checks",
        data={"wallet_id": public(client, "signing_wallet", btc_id), "kind": "psbt", "transaction": text},
    )
    assert page.status_code == 200, page.text
    assert "CHANGE_RECOGNISED" in page.text
    with session_factory() as session:
        record = session.scalars(select(SigningCheck)).one()
        assert record.verdict == "pass" and record.checked_by == contributor.id
    over = client.post(
        "/signing/checks",
        data={
            "wallet_id": public(client, "signing_wallet", btc_id),
            "kind": "psbt",
            "transaction": base64.b64encode(
                psbt_v0(*withdrawal(amount=1_500_000, change=0, spent=2_000_000))
            ).decode(),
        },
    )
    assert over.status_code == 200 and "LIMIT_EXCEEDED" in over.text
    broken = client.post(
        "/signing/checks",
        data={
            "wallet_id": public(client, "signing_wallet", btc_id),
            "kind": "psbt",
            "transaction": text[:40],
        },
    )
    assert broken.status_code == 422
    with session_factory() as session:
        assert session.scalar(select(func.count(SigningCheck.id))) == 2


def test_the_self_assessment_shows_checks_and_blocks_under_the_signing_controls(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    safe_id = _register(client, session_factory, org, first, second, COLD_SAFE)
    sign_in_client(client, first, org)
    assert "署名ガードで検査した取引はまだありません" in client.get("/signing/usage").text
    wallet = public(client, "signing_wallet", safe_id)
    assert (
        client.post(
            "/api/v1/signing/checks", json={"wallet_id": wallet, "kind": "safe", "transaction": BYBIT}
        ).json()["verdict"]
        == "block"
    )
    started = client.post("/assessment/start", follow_redirects=False)
    assert started.status_code == 303
    domain = client.get(started.headers["location"] + "/domains/cx")
    assert domain.status_code == 200, domain.text[:300]
    usage_path = "/signing/usage"
    assert domain.text.count(f'hx-get="{usage_path}"') == 6  # cx-2.1 … cx-2.6 only
    fragment = client.get(usage_path)
    assert fragment.status_code == 200
    assert 'data-checks="1" data-blocked="1"' in fragment.text
    with transaction(session_factory) as session:
        viewer = make_member(session, org, Role.VIEWER)
    sign_in_client(client, viewer, org)
    assert 'data-checks="1"' in client.get(usage_path).text  # assessment:read is enough to see the count
    assert client.get("/signing").status_code == 403


def test_a_changed_allowlist_applies_to_checks_only_once_approved(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    trusting = {**COLD_SAFE, "policy": {"delegatecall_allowlist": [BYBIT["to"]]}}
    safe_id = _register(client, session_factory, org, first, second, trusting)
    wallet = public(client, "signing_wallet", safe_id)

    def codes() -> set[str]:
        answer = client.post(
            "/api/v1/signing/checks", json={"wallet_id": wallet, "kind": "safe", "transaction": BYBIT}
        )
        assert answer.status_code == 200, answer.text
        return {finding["code"] for finding in answer.json()["findings"]}

    assert "SAFE_DELEGATECALL_UNTRUSTED" not in codes()
    sign_in_client(client, first, org)
    proposed = client.post(
        "/signing/proposals",
        data={"definition": json.dumps(COLD_SAFE), "wallet_id": wallet},
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    assert "SAFE_DELEGATECALL_UNTRUSTED" not in codes()  # still the approved definition
    with session_factory() as session:
        change = session.scalars(select(SigningProposal).where(SigningProposal.status == "pending")).one()
        assert change.wallet_id == safe_id
    sign_in_client(client, second, org)
    path = f"/signing/proposals/{public(client, 'signing_proposal', change.id)}/approve"
    assert client.post(path, follow_redirects=False).status_code == 303
    assert "SAFE_DELEGATECALL_UNTRUSTED" in codes()
    with session_factory() as session:
        assert session.scalar(select(func.count(SigningWallet.id))) == 1
