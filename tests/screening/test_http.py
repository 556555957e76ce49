"""The screening page and ``POST /api/v1/screening/check``: who may screen, what they get back,
and the audit entry of each decision, on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.screening.lists import import_list
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission, Role
from tests.accounts_factories import make_api_token, make_member, make_organisation, sign_in_client
from tests.screening.test_lists import LAZARUS_BTC, LAZARUS_ETH, SDN_XML


def _load(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        import_list(
            session, SDN_XML, source="ofac-sdn-xml", filename="sdn_advanced.xml", actor=Actor.console()
        )


def test_an_api_token_with_screening_check_screens_and_is_audited(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _load(session_factory)
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        token = make_api_token(session, exchange, [Permission.SCREENING_CHECK])
        exchange_id = exchange.id
    answer = client.post(
        "/api/v1/screening/check",
        json={"addresses": [LAZARUS_ETH.lower(), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"]},
        headers={"authorization": f"Bearer {token}", "x-request-id": "screen-42"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["hit"] is True
    first, second = body["results"]
    assert (first["chain"], first["valid"], first["hits"][0]["entry"]) == ("evm", True, "27307")
    assert (second["valid"], second["hits"]) == (False, [])
    assert second["error"]
    assert body["lists"][0]["source"] == "ofac-sdn-xml"
    lists = client.get("/api/v1/screening/lists", headers={"authorization": f"Bearer {token}"})
    assert [(item["source"], item["entries"], item["published_on"]) for item in lists.json()] == [
        ("ofac-sdn-xml", 4, "2026-12-01")
    ]
    with session_factory() as session:
        checks = session.scalars(select(AuditEntry).where(AuditEntry.action == "screening.check")).all()
    assert [(c.organisation_id, c.request_id, c.details["channel"]) for c in checks] == [
        (exchange_id, "screen-42", "api"),
        (exchange_id, "screen-42", "api"),
    ]


def test_a_token_without_the_permission_is_refused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        token = make_api_token(session, exchange, [Permission.INTEL_READ])
    answer = client.post(
        "/api/v1/screening/check",
        json={"addresses": [LAZARUS_BTC]},
        headers={"authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 403


def test_an_unknown_chain_is_a_422_naming_it(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        token = make_api_token(session, exchange, [Permission.SCREENING_CHECK])
    answer = client.post(
        "/api/v1/screening/check",
        json={"addresses": [LAZARUS_BTC], "chain": "dogecoin"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422
    assert "chain" in str(answer.json()["detail"])


def test_the_page_screens_pasted_addresses_and_shows_the_lists(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _load(session_factory)
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        user = make_member(session, exchange, Role.SECURITY_OFFICER)
    sign_in_client(client, user, exchange)
    page = client.get("/screening")
    assert page.status_code == 200
    assert "ofac-sdn-xml" in page.text
    answer = client.post(
        "/screening", data={"addresses": f"{LAZARUS_BTC}\n\n1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu\n"}
    )
    assert answer.status_code == 200
    assert "LAZARUS GROUP" in answer.text
    assert answer.text.count('class="hit"') == 1
    with session_factory() as session:
        checks = session.scalars(select(AuditEntry).where(AuditEntry.action == "screening.check")).all()
    assert {c.actor_user_id for c in checks} == {user.id}
    assert len(checks) == 2
    again = client.get("/screening")
    history = again.text.split('id="history"')[1]
    assert LAZARUS_BTC in history
    assert "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu" not in history
