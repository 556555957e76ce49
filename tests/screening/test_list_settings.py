"""Which lists apply (docs/screening.md, "Which lists apply"): an org admin or security officer
chooses the sources on a page or through the API (audited); the screening page, the API and each
recorded decision use and name the choice; bad choices are refused and store nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.screening.lists import import_list
from cyberdelta.screening.models import ScreeningListSettings
from cyberdelta.tenancy.models import Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import Permission, Role
from tests.accounts_factories import make_api_token, make_member, make_organisation, sign_in_client
from tests.screening.test_lists import LAZARUS_ETH, SDN_XML

EVERY = ["ofac-sdn-xml", "ofac-sdn-csv", "un-xml", "mof", "lines", "hub-indicators"]
LINES = f"{LAZARUS_ETH}\n".encode()


def _exchange(factory: sessionmaker[Session]) -> tuple[Organisation, str]:
    with transaction(factory) as session:
        import_list(
            session, SDN_XML, source="ofac-sdn-xml", filename="sdn_advanced.xml", actor=Actor.console()
        )
        import_list(
            session, LINES, source="lines", filename="ours.txt", actor=Actor.console(), chain="ethereum"
        )
        exchange = make_organisation(session, OrganisationKind.EXCHANGE)
        token = make_api_token(session, exchange, [Permission.SCREENING_CHECK, Permission.SCREENING_MANAGE])
        session.expunge(exchange)
    return exchange, token


def _sources(client: TestClient, token: str) -> list[str]:
    answer = client.post(
        "/api/v1/screening/check",
        json={"addresses": [LAZARUS_ETH]},
        headers={"authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    return sorted(hit["list"] for hit in answer.json()["results"][0]["hits"])


def test_every_list_applies_until_the_firm_chooses(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _exchange_row, token = _exchange(session_factory)
    headers = {"authorization": f"Bearer {token}"}
    assert client.get("/api/v1/screening/settings", headers=headers).json() == {
        "applied": EVERY,
        "excluded": [],
    }
    assert _sources(client, token) == ["lines", "ofac-sdn-xml"]


def test_an_excluded_list_gives_no_hits_and_each_decision_names_the_lists_applied(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    exchange, token = _exchange(session_factory)
    headers = {"authorization": f"Bearer {token}", "x-request-id": "choose"}
    chosen = client.put("/api/v1/screening/settings", json={"applied": ["lines", "un-xml"]}, headers=headers)
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["applied"] == ["un-xml", "lines"]
    assert _sources(client, token) == ["lines"]
    answer = client.post(
        "/api/v1/screening/check",
        json={"addresses": [LAZARUS_ETH]},
        headers={"authorization": f"Bearer {token}", "x-request-id": "after"},
    )
    assert [item["source"] for item in answer.json()["lists"]] == ["lines"]
    assert answer.json()["applied"] == ["un-xml", "lines"]
    with session_factory() as session:
        change = session.scalars(select(AuditEntry).where(AuditEntry.request_id == "choose")).one()
        decision = session.scalars(select(AuditEntry).where(AuditEntry.request_id == "after")).one()
    assert (change.action, change.organisation_id) == ("screening.lists_chosen", exchange.id)
    assert change.details["applied"] == ["un-xml", "lines"]
    assert change.details["excluded"] == sorted(set(EVERY) - {"un-xml", "lines"})
    assert change.details["excluded_before"] == []
    assert decision.details["applied_sources"] == ["un-xml", "lines"]
    assert [hit["source"] for hit in decision.details["hits"]] == ["lines"]


def test_another_organisation_keeps_its_own_choice(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _exchange_row, token = _exchange(session_factory)
    with transaction(session_factory) as session:
        other = make_organisation(session, OrganisationKind.EXCHANGE)
        other_token = make_api_token(session, other, [Permission.SCREENING_CHECK])
    client.put(
        "/api/v1/screening/settings",
        json={"applied": ["lines"]},
        headers={"authorization": f"Bearer {token}"},
    )
    assert _sources(client, other_token) == ["lines", "ofac-sdn-xml"]


def test_an_unknown_or_empty_choice_is_a_422_naming_it_and_changes_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _exchange_row, token = _exchange(session_factory)
    headers = {"authorization": f"Bearer {token}"}
    unknown = client.put(
        "/api/v1/screening/settings", json={"applied": ["lines", "eu-list"]}, headers=headers
    )
    # The schema names the sources (an enum), so the answer is the request-validation one, at the item.
    assert unknown.status_code == 422
    [problem] = unknown.json()["detail"]
    assert problem["field"] == "body.applied.1" and "ofac-sdn-xml" in problem["reason"]
    empty = client.put("/api/v1/screening/settings", json={"applied": []}, headers=headers)
    assert empty.status_code == 422
    with session_factory() as session:
        assert session.scalars(select(ScreeningListSettings)).all() == []
        assert (
            session.scalars(select(AuditEntry).where(AuditEntry.action == "screening.lists_chosen")).all()
            == []
        )


def test_a_security_officer_chooses_on_the_page_and_a_contributor_may_not(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _exchange_row, _token = _exchange(session_factory)
    with transaction(session_factory) as session:
        exchange = session.scalars(select(Organisation).where(Organisation.kind == "exchange")).one()
        officer = make_member(session, exchange, Role.SECURITY_OFFICER)
        contributor = make_member(session, exchange, Role.CONTRIBUTOR)
        session.expunge_all()
    sign_in_client(client, officer, exchange)
    page = client.get("/screening/settings")
    assert page.status_code == 200
    assert 'value="hub-indicators" checked' in page.text
    saved = client.post("/screening/settings", data={"sources": ["ofac-sdn-xml"]}, follow_redirects=False)
    assert saved.status_code == 303
    english = {"Accept-Language": "en"}
    screening = client.get(saved.headers["location"], headers=english)
    assert "OFAC SDN list (SDN_ADVANCED.XML)" in screening.text
    assert "Plain address lists" not in screening.text
    assert "The lists that apply were saved." in screening.text
    refused = client.post("/screening/settings", data={}, headers=english)
    assert refused.status_code == 422
    assert "choose at least one list" in refused.text
    japanese = client.get("/screening/settings", headers={"Accept-Language": "ja"})
    assert "適用するリスト" in japanese.text
    sign_in_client(client, contributor, exchange)
    assert client.get("/screening/settings").status_code == 403
    assert client.post("/screening/settings", data={"sources": ["lines"]}).status_code == 403


def test_the_api_schema_names_every_source_the_product_knows() -> None:
    """The settings body's enum is the imported list formats plus the hub's live source, so that a
    schema-valid choice is one the service accepts (tests/auth/test_api_schema.py)."""
    from typing import get_args

    from cyberdelta.intel.screening_source import SOURCE as HUB
    from cyberdelta.screening.http.screening import ListSettingsIn
    from cyberdelta.screening.lists import SOURCES

    [item] = get_args(ListSettingsIn.model_fields["applied"].annotation)
    assert set(get_args(item)) == {*SOURCES, HUB}
