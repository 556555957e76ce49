"""A check in the platform screens every address the transaction calls or pays against the current
screening lists (issue #22, "Policy checks": "destination found by address screening"; docs/signing.md,
"Checking"): a listed one blocks with ``DESTINATION_SCREENED`` though the wallet's policy lists no
screened address, and the screening decision is recorded with the check. Both databases."""

from __future__ import annotations

import base64
import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.screening.lists import import_list
from tests.accounts_factories import sign_in_client
from tests.intel.stix_factories import make_hub
from tests.public_ids import public
from tests.screening.test_hub_indicators import post, wallet_indicator
from tests.signing.psbt_builder import PAYEE, psbt_v0, withdrawal
from tests.signing.safe_fixtures import BYBIT
from tests.signing.test_platform import BTC_WALLET, COLD_SAFE, _register, _team

BYBIT_DRAINER = BYBIT["to"]  # the contract the Bybit signers delegate-called


def _list(factory: sessionmaker[Session], *lines: str) -> None:
    with transaction(factory) as session:
        import_list(
            session,
            "\n".join(lines).encode(),
            source="lines",
            filename="attackers.txt",
            actor=Actor.console(),
        )


def _details(entry: AuditEntry) -> dict[str, object]:
    details = entry.details
    return details if isinstance(details, dict) else json.loads(details)


def test_a_psbt_paying_a_listed_address_blocks_and_the_screening_is_recorded(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, contributor = _team(session_factory)
    btc_id = _register(client, session_factory, org, first, second, BTC_WALLET)
    sign_in_client(client, contributor, org)
    spends, pays = withdrawal()
    text = base64.b64encode(psbt_v0(spends, pays)).decode()
    wallet = public(client, "signing_wallet", btc_id)

    def check(request_id: str) -> dict[str, object]:
        answer = client.post(
            "/api/v1/signing/checks",
            json={"wallet_id": wallet, "kind": "psbt", "transaction": text},
            headers={"x-request-id": request_id},
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, object] = answer.json()
        return body

    clean = check("before-listing")
    assert clean["verdict"] == "pass"
    _list(session_factory, f"bitcoin,{PAYEE},Laundering wallet")
    listed = check("after-listing")
    assert listed["verdict"] == "block"
    findings = listed["findings"]
    assert isinstance(findings, list)
    screened = [f for f in findings if f["code"] == "DESTINATION_SCREENED"]
    assert len(screened) == 1 and PAYEE in screened[0]["message_en"], findings
    with session_factory() as session:
        actions = {
            entry.action: entry
            for entry in session.scalars(select(AuditEntry).where(AuditEntry.request_id == "after-listing"))
        }
    assert {"signing.check", "screening.batch"} <= set(actions)
    assert _details(actions["signing.check"])["screened_hits"] == [PAYEE]
    batch = _details(actions["screening.batch"])
    assert batch["hit_count"] == 1 and batch["lists"]


def test_the_bybit_drainer_on_a_list_is_named_as_screened(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    org, first, second, _contributor = _team(session_factory)
    safe_id = _register(client, session_factory, org, first, second, COLD_SAFE)
    _list(session_factory, f"ethereum,{BYBIT_DRAINER.lower()}")  # listed in lower case, matched by its bytes
    answer = client.post(
        "/api/v1/signing/checks",
        json={"wallet_id": public(client, "signing_wallet", safe_id), "kind": "safe", "transaction": BYBIT},
    )
    assert answer.status_code == 200, answer.text
    screened = [f for f in answer.json()["findings"] if f["code"] == "DESTINATION_SCREENED"]
    assert len(screened) == 1 and BYBIT_DRAINER.lower() in screened[0]["message_en"].lower()


def test_a_hub_indicator_the_firm_may_read_blocks_a_payment_to_its_address(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """The hub's wallet indicators are a screening source of the check too (docs/screening.md, "Hub
    indicators"): a GREEN indicator another member published for the payee blocks the withdrawal."""
    hub = make_hub(session_factory)
    post(client, hub, hub.publisher, wallet_indicator("bitcoin", PAYEE, Tlp.GREEN))
    org, first, second, contributor = _team(session_factory)
    btc_id = _register(client, session_factory, org, first, second, BTC_WALLET)
    sign_in_client(client, contributor, org)
    spends, pays = withdrawal()
    answer = client.post(
        "/api/v1/signing/checks",
        json={
            "wallet_id": public(client, "signing_wallet", btc_id),
            "kind": "psbt",
            "transaction": base64.b64encode(psbt_v0(spends, pays)).decode(),
        },
        headers={"x-request-id": "hub-listed"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["verdict"] == "block"
    assert any(f["code"] == "DESTINATION_SCREENED" for f in answer.json()["findings"])
    with session_factory() as session:
        batch = session.scalars(
            select(AuditEntry).where(
                AuditEntry.request_id == "hub-listed", AuditEntry.action == "screening.batch"
            )
        ).one()
    assert _details(batch)["hit_count"] == 1
