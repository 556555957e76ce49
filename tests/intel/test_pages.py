"""The hub's pages: feed with filters and search, quick report and lesson-learned forms (ja/en)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.publishing import identity_id
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.intel.wallet import wallet_id
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.permissions import Role
from cyberdelta.tenancy.service import get_organisation
from tests.accounts_factories import make_member, sign_in_client
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers

ADDRESS = "0x" + "5c" * 20


def signed_in(client: TestClient, factory: sessionmaker[Session], organisation_id: int, role: Role) -> None:
    with transaction(factory) as session:
        organisation = get_organisation(session, organisation_id)
        assert organisation is not None
        user = make_member(session, organisation, role)
    sign_in_client(client, user, organisation)


def count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(IntelObject)) or 0)


def report(client: TestClient, hub: Hub, **fields: str) -> object:
    data = {
        "kind": "address",
        "chain": "ethereum",
        "value": ADDRESS,
        "tlp": "amber",
        "note": "",
        "collection": hub.collection_id,
    }
    data.update(fields)
    return client.post("/intel/report", data=data, follow_redirects=False)


def test_quick_report_publishes_the_address_and_an_indicator(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    form = client.get("/intel/report")
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.text
    response = report(client, hub, note="withdrawal request to this address")
    assert response.status_code == 303  # type: ignore[attr-defined]
    objects = client.get(
        f"{ROOT}/collections/{hub.collection_id}/objects/", headers=taxii_headers(hub.other_exchange)
    ).json()["objects"]
    assert {item["type"] for item in objects} == {"x-crypto-wallet-address", "indicator"}
    [sco] = [item for item in objects if item["type"] == "x-crypto-wallet-address"]
    assert sco["id"] == wallet_id("ethereum", ADDRESS)
    feed = client.get("/intel", params={"q": ADDRESS[:12]})
    assert "withdrawal request to this address" in feed.text
    assert "TLP:AMBER" in feed.text


def test_invalid_report_names_the_field_and_stores_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    bad_address = report(client, hub, value="0x1234")
    assert bad_address.status_code == 422  # type: ignore[attr-defined]
    assert "value" in bad_address.text  # type: ignore[attr-defined]
    bad_domain = report(client, hub, kind="domain", value="not a domain")
    assert bad_domain.status_code == 422  # type: ignore[attr-defined]
    bad_tlp = report(client, hub, tlp="purple")
    assert bad_tlp.status_code == 422  # type: ignore[attr-defined]
    assert count(session_factory) == 0


def test_feed_filters_by_type_and_tlp_and_hides_what_tlp_forbids(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    sent = [
        indicator("203.0.113.50", name="green one", tlp=Tlp.GREEN),
        indicator("203.0.113.51", name="red one", tlp=Tlp.RED),
        {
            "type": "threat-actor",
            "spec_version": "2.1",
            "id": "threat-actor--9d1c3b0a-5c1e-4b8e-9f4a-2a6d7c8e9f01",
            "created": "2026-11-01T00:00:00.000Z",
            "modified": "2026-11-01T00:00:00.000Z",
            "name": "Lazarus Group",
            "object_marking_refs": [TLP2_MARKING_IDS[Tlp.GREEN]],
        },
    ]
    client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope(sent),
        headers=taxii_headers(hub.publisher),
    )
    signed_in(client, session_factory, hub.other_id, Role.SECURITY_OFFICER)
    everything = client.get("/intel").text
    assert "green one" in everything and "Lazarus Group" in everything and "red one" not in everything
    actors = client.get("/intel", params={"type": "threat-actor"}).text
    assert "Lazarus Group" in actors and "green one" not in actors
    assert "green one" not in client.get("/intel", params={"tlp": "amber"}).text
    assert "green one" not in client.get("/intel", params={"since": "2999-01-01"}).text


def test_lesson_learned_is_a_report_and_can_be_anonymous(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.ORG_ADMIN)
    data = {"title": "Signing software poisoned", "body": "Verify the signer binary hash before every use.",
            "tlp": "green", "collection": hub.collection_id, "anonymous": "yes"}  # fmt: skip
    response = client.post("/intel/lesson", data=data, follow_redirects=False)
    assert response.status_code == 303
    objects = client.get(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        params={"match[type]": "report"},
        headers=taxii_headers(hub.supervisor),
    ).json()["objects"]
    assert objects[0]["report_types"] == ["lessons-learned"]
    identity = client.get(
        f"{ROOT}/collections/{hub.collection_id}/objects/{objects[0]['created_by_ref']}/",
        headers=taxii_headers(hub.isac),
    ).json()["objects"][0]
    with session_factory() as session:
        isac = get_organisation(session, hub.isac_id)
        assert isac is not None
        assert identity["name"] == isac.name_en
    empty = client.post("/intel/lesson", data={**data, "title": " "}, follow_redirects=False)
    assert empty.status_code == 422
    assert "title" in empty.text


def test_pages_need_the_right_permission(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    hub = make_hub(session_factory)
    anonymous = client.get("/intel", follow_redirects=False)
    assert anonymous.status_code == 303
    signed_in(client, session_factory, hub.publisher_id, Role.VIEWER)
    assert client.get("/intel").status_code == 200
    assert client.get("/intel/report").status_code == 403


def test_pages_speak_english_too(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    japanese = client.get("/intel/report", headers={"Accept-Language": "ja"}).text
    english = client.get("/intel/report", headers={"Accept-Language": "en"}).text
    assert "Report an address or domain" in english
    assert "Report an address or domain" not in japanese


def test_a_reporter_who_saw_the_address_publishes_a_sighting_counted_in_the_feed(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    form = client.get("/intel/report").text
    assert 'name="seen_in"' in form and 'name="first_seen"' in form and 'name="count"' in form
    response = report(client, hub, seen_in="withdrawal-request", first_seen="2026-01-05", count="3")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/intel?published=4"  # type: ignore[attr-defined]
    objects = client.get(
        f"{ROOT}/collections/{hub.collection_id}/objects/", headers=taxii_headers(hub.other_exchange)
    ).json()["objects"]
    by_type = {item["type"]: item for item in objects}
    sighting = by_type["sighting"]
    with session_factory() as session:
        publisher = get_organisation(session, hub.publisher_id)
        assert publisher is not None
    assert sighting["sighting_of_ref"] == by_type["indicator"]["id"]
    assert sighting["where_sighted_refs"] == [identity_id(publisher)] == [by_type["identity"]["id"]]
    assert sighting["first_seen"] == "2026-01-05T00:00:00.000Z" and sighting["count"] == 3
    assert sighting["first_seen"] <= sighting["last_seen"]
    assert sighting["object_marking_refs"] == [TLP2_MARKING_IDS[Tlp.AMBER]]
    # A second exchange saw it too: the indicator in the feed counts both sightings.
    signed_in(client, session_factory, hub.other_id, Role.SECURITY_OFFICER)
    indicator_id = by_type["indicator"]["id"]
    second = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": "sighting--6d3c5a41-1d0b-4c55-9d4e-2f1f3a9b8c70",
        "created": "2026-11-02T00:00:00.000Z",
        "modified": "2026-11-02T00:00:00.000Z",
        "sighting_of_ref": indicator_id,
    }
    client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope([second]),
        headers=taxii_headers(hub.other_exchange),
    )
    feed = client.get("/intel", params={"q": ADDRESS[:12]}, headers={"Accept-Language": "en"}).text
    assert 'data-sightings="2"' in feed and "Sighted by 2 reports" in feed
    assert "Seen in a withdrawal request 3 times since 2026-01-05" in feed
    japanese = client.get("/intel", params={"q": ADDRESS[:12]}, headers={"Accept-Language": "ja"}).text
    assert (
        "2026-01-05 以降、出金依頼で 3 回確認" in japanese and "Seen in a withdrawal request" not in japanese
    )


def test_an_anonymous_sighting_names_the_isac_and_bad_sighting_fields_store_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    assert report(client, hub, seen_in="withdrawal-request", first_seen="2999-01-01").status_code == 422  # type: ignore[attr-defined]
    zero = report(client, hub, seen_in="withdrawal-request", count="0")
    assert zero.status_code == 422 and "count" in zero.text  # type: ignore[attr-defined]
    assert report(client, hub, seen_in="on-the-moon").status_code == 422  # type: ignore[attr-defined]
    assert report(client, hub, seen_in="deposit", first_seen="yesterday").status_code == 422  # type: ignore[attr-defined]
    assert count(session_factory) == 0
    domain = report(client, hub, kind="domain", value="login-bitfl0w.example", seen_in="phishing-mail",
                    anonymous="yes")  # fmt: skip
    assert domain.status_code == 303  # type: ignore[attr-defined]
    sightings = client.get(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        params={"match[type]": "sighting"},
        headers=taxii_headers(hub.other_exchange),
    ).json()["objects"]
    with session_factory() as session:
        isac = get_organisation(session, hub.isac_id)
        assert isac is not None
        publishers = set(session.scalars(select(IntelObject.publisher_organisation_id)))
    assert sightings[0]["where_sighted_refs"] == [identity_id(isac)]
    assert sightings[0]["created_by_ref"] == identity_id(isac)
    # Readers see the ISAC; inside the hub the true publisher keeps (and owns) what it published.
    assert publishers == {hub.publisher_id}
