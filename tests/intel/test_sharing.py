"""Sharing over TAXII under TLP 2.0: every level read by the publisher, another exchange, a named
recipient, the supervisor and an anonymous client; anonymous publishing through the ISAC."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.publishing import identity_id
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.tenancy.service import get_organisation
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers


def publish_every_level(client: TestClient, hub: Hub) -> dict[str, str]:
    """One indicator per TLP level (RED for the ISAC, AMBER+STRICT also for exchange B), and more."""
    sent: dict[str, dict[str, Any]] = {level.value: indicator(tlp=level) for level in Tlp}
    sent["red"]["x_cyberdelta_recipients"] = ["crypto-isac"]
    sent["amber+strict"]["x_cyberdelta_recipients"] = ["exchange-b"]  # shared further
    sent["unmarked"] = indicator()
    sent["strict-unshared"] = indicator(tlp=Tlp.AMBER_STRICT)
    response = client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope(sent.values()),
        headers=taxii_headers(hub.publisher),
    )
    assert response.json()["success_count"] == len(sent)
    return {name: item["id"] for name, item in sent.items()}


def visible(client: TestClient, hub: Hub, token: str | None) -> set[str]:
    objects = client.get(f"{ROOT}/collections/{hub.collection_id}/objects/", headers=taxii_headers(token))
    manifest = client.get(f"{ROOT}/collections/{hub.collection_id}/manifest/", headers=taxii_headers(token))
    from_objects = {item["id"] for item in objects.json().get("objects", [])}
    from_manifest = {item["id"] for item in manifest.json().get("objects", [])}
    assert from_objects == from_manifest
    return from_objects


def test_each_reader_receives_exactly_what_tlp_allows(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory, default_tlp=Tlp.GREEN, public=True)
    ids = publish_every_level(client, hub)

    def named(*names: str) -> set[str]:
        return {ids[name] for name in names}

    everything = set(ids.values())
    assert visible(client, hub, hub.publisher) == everything
    assert visible(client, hub, hub.other_exchange) == named(
        "clear", "green", "unmarked", "amber", "amber+strict"
    )
    assert visible(client, hub, hub.isac) == named("clear", "green", "unmarked", "amber", "red")
    assert visible(client, hub, hub.supervisor) == named("clear", "green", "unmarked")
    assert visible(client, hub, None) == named("clear")


def test_an_object_a_reader_may_not_see_is_not_found_by_id(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    ids = publish_every_level(client, hub)
    url = f"{ROOT}/collections/{hub.collection_id}/objects/{ids['red']}/"
    assert client.get(url, headers=taxii_headers(hub.other_exchange)).status_code == 404
    assert client.get(f"{url}versions/", headers=taxii_headers(hub.other_exchange)).status_code == 404
    assert client.get(url, headers=taxii_headers(hub.isac)).status_code == 200


def test_unknown_recipient_is_a_failure_of_that_object_only(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    addressed = indicator(tlp=Tlp.RED, x_cyberdelta_recipients=["no-such-org"])
    fine = indicator()
    status = client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope([addressed, fine]),
        headers=taxii_headers(hub.publisher),
    ).json()
    assert [item["id"] for item in status["successes"]] == [fine["id"]]
    assert "no-such-org" in status["failures"][0]["message"]


def test_anonymous_publication_shows_the_isac_and_only_the_audit_knows_the_author(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    sent = indicator(
        x_cyberdelta_anonymous=True, created_by_ref="identity--11111111-1111-4111-8111-111111111111"
    )
    status = client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope([sent]),
        headers=taxii_headers(hub.publisher),
    ).json()
    assert status["success_count"] == 1
    received = client.get(
        f"{ROOT}/collections/{hub.collection_id}/objects/{sent['id']}/",
        headers=taxii_headers(hub.other_exchange),
    ).json()["objects"][0]
    with session_factory() as session:
        isac = get_organisation(session, hub.isac_id)
        assert isac is not None
        assert received["created_by_ref"] == identity_id(isac)
        assert "x_cyberdelta_anonymous" not in received
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "intel.publish"))
        assert entry is not None
        assert entry.organisation_id == hub.publisher_id
        assert entry.details["anonymised"] == [sent["id"]]
