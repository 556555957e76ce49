"""The hub's wallet-address indicators screened as a list (docs/screening.md, "Hub indicators"): each
organisation hits exactly the indicators TLP 2.0 and collection access let it read, and a hit names
the indicator, its TLP, its version and when the hub was read; on both databases, through the API."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.tlp import Tlp
from cyberdelta.intel.wallet import address_pattern
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission, Role
from cyberdelta.tenancy.service import get_organisation
from tests.accounts_factories import make_api_token, make_member, make_organisation, sign_in_client
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers

STOLEN = "0x" + "ab" * 20
EIP55 = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  # EIP-55's own example
SEGWIT = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"  # BIP-173 P2WPKH


def wallet_indicator(chain: str, address: str, tlp: Tlp, **extra: Any) -> dict[str, Any]:
    found = indicator(tlp=tlp, **extra)
    found["name"] = f"Stolen funds {address}"
    found["pattern"] = address_pattern(chain, address)
    return found


def post(client: TestClient, hub: Hub, token: str, *objects: dict[str, Any], collection: str = "") -> None:
    answer = client.post(
        f"{ROOT}/collections/{collection or hub.collection_id}/objects/",
        json=envelope(objects),
        headers=taxii_headers(token),
    )
    assert answer.json()["success_count"] == len(objects), answer.text


def screener(factory: sessionmaker[Session], organisation_id: int) -> str:
    with transaction(factory) as session:
        organisation = get_organisation(session, organisation_id)
        assert organisation is not None
        return make_api_token(session, organisation, [Permission.SCREENING_CHECK])


def hub_hits(client: TestClient, token: str, address: str) -> list[dict[str, Any]]:
    answer = client.post(
        "/api/v1/screening/check", json={"addresses": [address]}, headers={"authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    [result] = answer.json()["results"]
    return [hit for hit in result["hits"] if hit["list"] == "hub-indicators"]


def test_an_amber_strict_address_of_exchange_a_is_a_hit_for_a_and_not_for_b(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    strict = wallet_indicator("ethereum", STOLEN, Tlp.AMBER_STRICT)
    post(client, hub, hub.publisher, strict)
    a = screener(session_factory, hub.publisher_id)
    b = screener(session_factory, hub.other_id)
    assert [hit["entry"] for hit in hub_hits(client, a, STOLEN)] == [strict["id"]]
    assert hub_hits(client, b, STOLEN) == []


def test_amber_strict_shared_further_and_red_reach_only_their_recipients(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        third = make_organisation(session, OrganisationKind.EXCHANGE, slug="exchange-c").id
    red = wallet_indicator("ethereum", STOLEN, Tlp.RED, x_cyberdelta_recipients=["exchange-b"])
    shared = wallet_indicator("bitcoin", SEGWIT, Tlp.AMBER_STRICT, x_cyberdelta_recipients=["exchange-b"])
    post(client, hub, hub.publisher, red, shared)
    b, c = screener(session_factory, hub.other_id), screener(session_factory, third)
    isac = screener(session_factory, hub.isac_id)
    assert [hit["entry"] for hit in hub_hits(client, b, STOLEN)] == [red["id"]]
    assert [hit["entry"] for hit in hub_hits(client, b, SEGWIT)] == [shared["id"]]
    assert hub_hits(client, c, STOLEN) == hub_hits(client, c, SEGWIT) == []
    assert hub_hits(client, isac, STOLEN) == []  # RED: not a recipient, though a community member
    assert [
        hit["entry"] for hit in hub_hits(client, screener(session_factory, hub.publisher_id), STOLEN)
    ] == [red["id"]]


def test_amber_reaches_community_members_and_not_the_supervisor_green_reaches_everyone(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    amber = wallet_indicator("ethereum", STOLEN, Tlp.AMBER)
    green = wallet_indicator("bitcoin", SEGWIT, Tlp.GREEN)
    post(client, hub, hub.publisher, amber, green)
    with transaction(session_factory) as session:
        fsa = make_organisation(session, OrganisationKind.SUPERVISOR)
        fsa_token = make_api_token(session, fsa, [Permission.SCREENING_CHECK])
    assert [hit["tlp"] for hit in hub_hits(client, screener(session_factory, hub.other_id), STOLEN)] == [
        "amber"
    ]
    assert [hit["tlp"] for hit in hub_hits(client, screener(session_factory, hub.isac_id), STOLEN)] == [
        "amber"
    ]
    assert hub_hits(client, fsa_token, STOLEN) == []
    assert [hit["tlp"] for hit in hub_hits(client, fsa_token, SEGWIT)] == ["green"]


def test_a_hit_names_the_indicator_its_tlp_version_and_read_time_and_the_decision_records_them(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    listed = wallet_indicator("ethereum", STOLEN, Tlp.GREEN, modified="2026-11-02T10:00:00.123Z")
    post(client, hub, hub.publisher, listed)
    token = screener(session_factory, hub.other_id)
    before = datetime.now().astimezone()
    answer = client.post(
        "/api/v1/screening/check",
        json={"addresses": [STOLEN.upper().replace("0X", "0x")]},
        headers={"authorization": f"Bearer {token}", "x-request-id": "hub-hit"},
    )
    body = answer.json()
    assert body["hit"] is True
    [hit] = body["results"][0]["hits"]
    assert (hit["list"], hit["entry"], hit["tlp"], hit["entry_version"], hit["list_version"]) == (
        "hub-indicators",
        listed["id"],
        "green",
        "2026-11-02T10:00:00.123Z",
        0,
    )
    assert hit["name"] == f"Stolen funds {STOLEN}"
    assert datetime.fromisoformat(hit["read_at"]) >= before
    assert "hub-indicators" in body["applied"]
    assert [item["source"] for item in body["lists"]] == ["hub-indicators"]
    with session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.request_id == "hub-hit")).one()
    assert entry.action == "screening.check"
    [recorded] = entry.details["hits"]
    assert datetime.fromisoformat(recorded.pop("read_at")) == datetime.fromisoformat(hit["read_at"])
    assert [recorded] == [
        {
            "version": 0,
            "source": "hub-indicators",
            "entry": listed["id"],
            "programme": None,
            "tlp": "green",
            "entry_version": "2026-11-02T10:00:00.123Z",
        }
    ]
    assert [item["source"] for item in entry.details["live_lists"]] == ["hub-indicators"]
    assert entry.details["live_lists"][0]["entries"] == 1


def test_a_revoked_or_expired_indicator_is_no_hit(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    first = wallet_indicator("ethereum", STOLEN, Tlp.GREEN)
    expired = wallet_indicator("bitcoin", SEGWIT, Tlp.GREEN, valid_until="2026-11-15T00:00:00.000Z")
    post(client, hub, hub.publisher, first, expired)
    token = screener(session_factory, hub.other_id)
    assert len(hub_hits(client, token, STOLEN)) == 1
    post(client, hub, hub.publisher, first | {"modified": "2026-11-03T00:00:00.000Z", "revoked": True})
    assert hub_hits(client, token, STOLEN) == []
    assert hub_hits(client, token, SEGWIT) == []


def test_an_eip55_spelling_in_a_pattern_hits_every_spelling_on_every_evm_chain(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    written = indicator(tlp=Tlp.GREEN)
    written["pattern"] = (
        f"[x-crypto-wallet-address:address = '{EIP55}' AND x-crypto-wallet-address:chain = 'ethereum']"
    )
    post(client, hub, hub.publisher, written)
    token = screener(session_factory, hub.other_id)
    for spelling in (EIP55, EIP55.lower()):
        assert [hit["entry"] for hit in hub_hits(client, token, spelling)] == [written["id"]]
    answer = client.post(
        "/api/v1/screening/check",
        json={"addresses": [EIP55.lower()], "chain": "polygon"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert answer.json()["results"][0]["hits"][0]["entry"] == written["id"]


def test_a_collection_the_reader_may_not_read_lists_nothing_for_it(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        collection = service.create_collection(session, title="A's own", members_read=False)
        service.grant(session, collection, hub.publisher_id, can_read=True, can_write=True)
        closed = collection.id
    post(client, hub, hub.publisher, wallet_indicator("ethereum", STOLEN, Tlp.GREEN), collection=closed)
    assert len(hub_hits(client, screener(session_factory, hub.publisher_id), STOLEN)) == 1
    assert hub_hits(client, screener(session_factory, hub.other_id), STOLEN) == []


def test_a_grant_a_deletion_and_a_new_indicator_take_effect_on_the_next_decision(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        collection = service.create_collection(session, title="A's own", members_read=False)
        service.grant(session, collection, hub.publisher_id, can_read=True, can_write=True)
        closed = collection.id
    listed = wallet_indicator("ethereum", STOLEN, Tlp.GREEN)
    post(client, hub, hub.publisher, listed, collection=closed)
    b = screener(session_factory, hub.other_id)
    assert hub_hits(client, b, STOLEN) == []
    with transaction(session_factory) as session:
        found = service.find_collection(session, closed)
        assert found is not None
        service.grant(session, found, hub.other_id, can_read=True, can_write=False)
    assert [hit["entry"] for hit in hub_hits(client, b, STOLEN)] == [listed["id"]]
    deleted = client.delete(
        f"{ROOT}/collections/{closed}/objects/{listed['id']}/", headers=taxii_headers(hub.publisher)
    )
    assert deleted.status_code == 200, deleted.text
    assert hub_hits(client, b, STOLEN) == []
    post(client, hub, hub.publisher, wallet_indicator("bitcoin", SEGWIT, Tlp.GREEN))
    assert len(hub_hits(client, b, SEGWIT)) == 1


def test_the_page_shows_a_hub_hit_and_reports_it_to_the_hub_as_a_sighting(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    listed = wallet_indicator("ethereum", STOLEN, Tlp.GREEN)
    post(client, hub, hub.publisher, listed)
    with transaction(session_factory) as session:
        exchange = get_organisation(session, hub.other_id)
        assert exchange is not None
        officer = make_member(session, exchange, Role.SECURITY_OFFICER)
        session.expunge_all()
    sign_in_client(client, officer, exchange)
    english = {"Accept-Language": "en"}
    page = client.post("/screening", data={"addresses": STOLEN}, headers=english)
    assert page.status_code == 200
    assert "hub indicator" in page.text and listed["id"] in page.text and "TLP:GREEN" in page.text
    link = re.search(r'class="report-hit" href="([^"]+)"', page.text)
    assert link is not None
    target = html.unescape(link.group(1))
    assert target.startswith("/intel/report?") and "seen_in=screening" in target
    form = client.get(target, headers=english)
    assert f'value="{STOLEN}"' in form.text
    assert '<option value="screening" selected>' in form.text
    reported = client.post(
        "/intel/report",
        data={
            "kind": "address",
            "chain": "ethereum",
            "value": STOLEN,
            "tlp": "green",
            "seen_in": "screening",
            "collection": hub.collection_id,
        },
        follow_redirects=False,
    )
    assert "sighted=1" in reported.headers["location"]
    with session_factory() as session:
        [sighting] = session.scalars(select(IntelObject).where(IntelObject.stix_type == "sighting")).all()
    assert sighting.sighting_of_ref == listed["id"]
    assert sighting.publisher_organisation_id == hub.other_id
