"""Reporting what the hub already holds makes a sighting, not a duplicate (docs/intel.md,
"Sightings"; issue #16 item 5): from the report form and the API, owned by the reporter, under TLP,
counted on the feed; an indicator the reporter may not read is never reused (no oracle)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.publishing import identity_id
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.tenancy.permissions import Role
from cyberdelta.tenancy.service import get_organisation
from tests.intel.stix_factories import ROOT, Hub, make_hub, taxii_headers
from tests.intel.test_pages import ADDRESS, report, signed_in


def objects(client: TestClient, hub: Hub, token: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (
        client.get(f"{ROOT}/collections/{hub.collection_id}/objects/", headers=taxii_headers(token))
        .json()
        .get("objects", [])
    )  # TAXII 2.1 §5.4: an envelope without objects when none is visible
    return found


def of_type(items: list[dict[str, Any]], stix_type: str) -> list[dict[str, Any]]:
    return [item for item in items if item["type"] == stix_type]


def identity_of(factory: sessionmaker[Session], organisation_id: int) -> str:
    with factory() as session:
        organisation = get_organisation(session, organisation_id)
        assert organisation is not None
        return identity_id(organisation)


def sighting_api(client: TestClient, hub: Hub, token: str, **fields: Any) -> Any:
    body = {"kind": "address", "chain": "ethereum", "value": ADDRESS, "collection": hub.collection_id}
    return client.post(
        "/api/v1/intel/sightings", json=body | fields, headers={"authorization": f"Bearer {token}"}
    )


def test_reporting_a_known_address_adds_a_sighting_of_its_indicator_not_a_second_one(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    assert report(client, hub, tlp="green").status_code == 303  # type: ignore[attr-defined]
    signed_in(client, session_factory, hub.other_id, Role.SECURITY_OFFICER)
    again = report(
        client, hub, value=ADDRESS.upper().replace("0X", "0x"), tlp="green", seen_in="deposit", count="3"
    )
    assert again.status_code == 303  # type: ignore[attr-defined]
    assert "sighted=1" in again.headers["location"]  # type: ignore[attr-defined]
    items = objects(client, hub, hub.isac)
    [original] = of_type(items, "indicator")
    [seen] = of_type(items, "sighting")
    b_identity = identity_of(session_factory, hub.other_id)
    assert seen["sighting_of_ref"] == original["id"]
    assert seen["where_sighted_refs"] == [b_identity]
    assert seen["created_by_ref"] == b_identity
    assert (seen["count"], seen["x_cyberdelta_seen_in"]) == (3, "deposit")
    assert seen["object_marking_refs"] == [TLP2_MARKING_IDS[Tlp.GREEN]]
    with session_factory() as session:
        row = session.scalars(select(IntelObject).where(IntelObject.stix_id == seen["id"])).one()
    assert row.publisher_organisation_id == hub.other_id
    feed = client.get("/intel", params={"type": "indicator"}, headers={"Accept-Language": "en"})
    assert 'data-sightings="1"' in feed.text
    assert "Sighted by 1 report" in feed.text


def test_reporting_a_known_address_without_saying_where_is_still_a_sighting(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    report(client, hub, tlp="green")
    signed_in(client, session_factory, hub.other_id, Role.SECURITY_OFFICER)
    report(client, hub, tlp="green")
    items = objects(client, hub, hub.isac)
    assert len(of_type(items, "indicator")) == 1
    [seen] = of_type(items, "sighting")
    assert "x_cyberdelta_seen_in" not in seen


def test_an_indicator_the_reporter_may_not_read_is_never_reused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    report(client, hub, tlp="amber+strict")
    answer = sighting_api(client, hub, hub.other_exchange, tlp="amber", seen_in="withdrawal-request")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["known"] is False
    items = objects(client, hub, hub.other_exchange)
    [mine] = of_type(items, "indicator")
    assert mine["id"] == body["indicator_id"]
    assert of_type(items, "sighting")[0]["sighting_of_ref"] == mine["id"]
    seen_by_a = objects(client, hub, hub.publisher)  # A reads both indicators (B's is AMBER)
    [hidden] = [item for item in of_type(seen_by_a, "indicator") if item["id"] != mine["id"]]
    assert {item["sighting_of_ref"] for item in of_type(seen_by_a, "sighting")} == {mine["id"]}
    assert hidden["object_marking_refs"] == [TLP2_MARKING_IDS[Tlp.AMBER_STRICT]]


def test_a_sighting_is_never_less_restricted_than_the_indicator_it_names(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    report(client, hub, tlp="amber")
    answer = sighting_api(client, hub, hub.other_exchange, tlp="clear", seen_in="deposit")
    assert (answer.json()["known"], answer.json()["tlp"]) == (True, "amber")
    seen = of_type(objects(client, hub, hub.isac), "sighting")
    assert seen[0]["object_marking_refs"] == [TLP2_MARKING_IDS[Tlp.AMBER]]
    others = objects(client, hub, hub.supervisor)  # not a community member: AMBER stays hidden
    assert of_type(others, "sighting") == of_type(others, "indicator") == []


def test_a_known_domain_is_found_whatever_its_spelling(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    report(client, hub, kind="domain", value="Phish.Example.com.", tlp="green")
    answer = sighting_api(client, hub, hub.other_exchange, kind="domain", value="phish.example.com", chain="")
    assert answer.json()["known"] is True
    assert len(of_type(objects(client, hub, hub.isac), "indicator")) == 1


def test_the_api_audits_the_report_and_refuses_bad_input_storing_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    report(client, hub, tlp="green")
    answer = client.post(
        "/api/v1/intel/sightings",
        json={
            "kind": "address",
            "chain": "ethereum",
            "value": ADDRESS,
            "collection": "crypto",
            "seen_in": "screening",
            "count": 2,
            "first_seen": "2026-11-30",
        },
        headers={"authorization": f"Bearer {hub.other_exchange}", "x-request-id": "sight-1"},
    )
    assert answer.status_code == 200, answer.text
    with session_factory() as session:
        entries = {
            entry.action: entry
            for entry in session.scalars(select(AuditEntry).where(AuditEntry.request_id == "sight-1"))
        }
    assert set(entries) == {"intel.publish", "intel.sighting_reported"}
    details = entries["intel.sighting_reported"].details
    assert (details["known"], details["sighting"], details["origin"], details["seen_in"]) == (
        True,
        answer.json()["sighting_id"],
        "hub-api",
        "screening",
    )
    assert entries["intel.sighting_reported"].organisation_id == hub.other_id
    before = len(objects(client, hub, hub.isac))
    bad = sighting_api(client, hub, hub.other_exchange, value="0x1234", seen_in="deposit")
    assert (bad.status_code, bad.json()["field"]) == (422, "value")
    future = sighting_api(client, hub, hub.other_exchange, seen_in="deposit", first_seen="2999-01-01")
    assert (future.status_code, future.json()["field"]) == (422, "first_seen")
    assert len(objects(client, hub, hub.isac)) == before


def test_an_anonymous_report_is_sighted_by_the_isac_and_stays_the_reporters(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    report(client, hub, tlp="green")
    answer = sighting_api(client, hub, hub.other_exchange, seen_in="deposit", anonymous=True)
    assert answer.json()["known"] is True
    [seen] = of_type(objects(client, hub, hub.publisher), "sighting")
    isac = identity_of(session_factory, hub.isac_id)
    assert (seen["where_sighted_refs"], seen["created_by_ref"]) == ([isac], isac)
    with session_factory() as session:
        row = session.scalars(select(IntelObject).where(IntelObject.stix_id == seen["id"])).one()
    assert row.publisher_organisation_id == hub.other_id
