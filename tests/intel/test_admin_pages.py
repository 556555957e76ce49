"""Collection administration: intel:admin creates collections, sets their default TLP and openness and
grants or revokes read and write per organisation; every change is audited, bad input stores nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.models import IntelCollection, IntelCollectionAccess, IntelObject
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.tenancy.permissions import Role
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers
from tests.intel.test_pages import signed_in
from tests.public_ids import public


def collections(factory: sessionmaker[Session]) -> list[IntelCollection]:
    with factory() as session:
        return list(session.scalars(select(IntelCollection).order_by(IntelCollection.created_at)))


def audited(factory: sessionmaker[Session], prefix: str = "intel.") -> list[AuditEntry]:
    with factory() as session:
        statement = (
            select(AuditEntry).where(AuditEntry.action.like(prefix + "%")).order_by(AuditEntry.sequence)
        )
        return list(session.scalars(statement))


def create(client: TestClient, **fields: str) -> Any:
    data = {"title": "Lazarus watch", "alias": "lazarus", "description": "Addresses of the Lazarus family",
            "default_tlp": "amber", "members_read": "yes"}  # fmt: skip
    data.update(fields)
    return client.post("/intel/collections", data=data, follow_redirects=False)


def as_isac_analyst(client: TestClient, factory: sessionmaker[Session]) -> Hub:
    hub = make_hub(factory)
    signed_in(client, factory, hub.isac_id, Role.ANALYST)
    return hub


def test_only_intel_admin_may_administer_collections(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.ORG_ADMIN)
    assert client.get("/intel/collections").status_code == 403
    assert client.get(f"/intel/collections/{hub.collection_id}").status_code == 403
    assert create(client).status_code == 403
    assert client.post(f"/intel/collections/{hub.collection_id}/grants", data={}).status_code == 403
    assert len(collections(session_factory)) == 1
    signed_in(client, session_factory, hub.isac_id, Role.ANALYST)
    listing = client.get("/intel/collections")
    assert listing.status_code == 200 and "Crypto threat feed" in listing.text
    assert client.get("/intel/collections/no-such-collection").status_code == 404


def test_creating_a_collection_is_audited(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    hub = as_isac_analyst(client, session_factory)
    response = create(client)
    assert response.status_code == 303
    created = collections(session_factory)[-1]
    assert response.headers["location"] == f"/intel/collections/{created.id}?saved=created"
    assert (created.title, created.alias, created.default_tlp) == ("Lazarus watch", "lazarus", "amber")
    assert created.members_read and not created.members_write and not created.public_read
    [entry] = audited(session_factory)
    assert entry.action == "intel.collection_created" and entry.object_id == created.id
    assert entry.organisation_id == hub.isac_id and entry.details["alias"] == "lazarus"
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and 'id="saved"' in page.text


def test_invalid_collections_are_refused_with_the_field_and_nothing_is_stored(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    as_isac_analyst(client, session_factory)
    empty = create(client, title="  ")
    assert empty.status_code == 422 and "title" in empty.text
    assert 'value="lazarus"' in empty.text  # the form keeps what was typed
    assert create(client, default_tlp="purple").status_code == 422
    bad_alias = create(client, alias="Not An Alias!")
    assert bad_alias.status_code == 422 and "alias" in bad_alias.text
    taken = create(client, alias="crypto")
    assert taken.status_code == 422 and "crypto" in taken.text
    assert create(client, description="x" * 4001).status_code == 422
    too_long = create(client, title_ja="長" * 201)
    assert too_long.status_code == 422 and "title_ja" in too_long.text
    assert len(collections(session_factory)) == 1
    assert audited(session_factory) == []


def test_a_collection_has_a_japanese_title_for_the_pages_and_one_title_for_taxii(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = as_isac_analyst(client, session_factory)
    created = create(
        client, title_ja="\u3000ラザルス監視\u3000", members_write="yes"
    )  # full-width spaces trimmed
    collection_id = created.headers["location"].split("/")[-1].split("?")[0]
    assert collections(session_factory)[-1].title_ja == "ラザルス監視"
    assert "ラザルス監視" in client.get("/intel/collections", headers={"Accept-Language": "ja"}).text
    client.cookies.set("cd_lang", "en")
    english = client.get("/intel/collections").text
    assert "Lazarus watch" in english and "ラザルス監視" not in english.split("<form")[0]
    client.cookies.delete("cd_lang")
    edited = client.post(
        f"/intel/collections/{collection_id}",
        data={"title": "Lazarus watch", "title_ja": "ラザルス・グループ監視", "default_tlp": "amber",
              "members_read": "yes", "members_write": "yes",
              "description": "Addresses of the Lazarus family"},
        follow_redirects=False,
    )  # fmt: skip
    assert edited.status_code == 303
    assert audited(session_factory)[-1].details["changes"] == {
        "title_ja": ["ラザルス監視", "ラザルス・グループ監視"]
    }
    posted = client.post(
        f"{ROOT}/collections/{collection_id}/objects/",
        json=envelope([indicator()]),
        headers=taxii_headers(hub.isac),
    )
    assert posted.status_code == 202 and posted.json()["success_count"] == 1
    feed = client.get("/intel", headers={"Accept-Language": "ja"}).text
    assert "ラザルス・グループ監視" in feed
    taxii = client.get(f"{ROOT}/collections/{collection_id}/", headers=taxii_headers(hub.isac)).json()
    assert taxii["title"] == "Lazarus watch"


def test_only_an_empty_collection_is_deleted_with_its_grants_and_audited(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = as_isac_analyst(client, session_factory)
    created = create(client, alias="mistake", members_write="yes")
    mistake = created.headers["location"].split("/")[-1].split("?")[0]
    granted = client.post(
        f"/intel/collections/{mistake}/grants", data={"organisation": str(hub.other_id), "can_read": "yes"}
    )
    assert granted.status_code == 200
    posted = client.post(  # the hub's collection holds an object
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope([indicator()]),
        headers=taxii_headers(hub.isac),
    )
    assert posted.json()["success_count"] == 1

    kept = client.post(f"/intel/collections/{hub.collection_id}/delete")
    assert (
        kept.status_code == 422
        and 'id="form-error"' in kept.text
        and "1 件のオブジェクトと、保存待ちのエンベロープ 0 件" in kept.text
    )
    deleted = client.post(f"/intel/collections/{mistake}/delete", follow_redirects=False)
    assert deleted.status_code == 303 and deleted.headers["location"] == "/intel/collections?saved=deleted"
    assert 'id="saved"' in client.get(deleted.headers["location"]).text
    assert [collection.id for collection in collections(session_factory)] == [hub.collection_id]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(IntelCollectionAccess)) == 0
        assert session.scalar(select(func.count()).select_from(IntelObject)) == 1
    assert audited(session_factory)[-1].action == "intel.collection_deleted"
    assert audited(session_factory)[-1].details["alias"] == "mistake"
    assert client.get(f"{ROOT}/collections/mistake/", headers=taxii_headers(hub.isac)).status_code == 404
    assert client.post(f"/intel/collections/{mistake}/delete").status_code == 404


def test_changing_the_default_tlp_applies_to_later_unmarked_objects(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = as_isac_analyst(client, session_factory)
    url = f"/intel/collections/{hub.collection_id}"
    data = {"title": "Crypto threat feed", "description": "Shared with the community", "default_tlp": "green",
            "members_read": "yes", "members_write": "yes"}  # fmt: skip
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    [entry] = audited(session_factory)
    assert entry.action == "intel.collection_updated"
    assert entry.details["changes"] == {
        "description": ["", "Shared with the community"],
        "default_tlp": ["amber", "green"],
    }
    unmarked = indicator("203.0.113.40")
    client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope([unmarked]),
        headers=taxii_headers(hub.publisher),
    )
    with session_factory() as session:
        assert session.scalar(select(IntelObject.tlp).where(IntelObject.stix_id == unmarked["id"])) == "green"
    invalid = client.post(url, data={**data, "title": "", "default_tlp": "red"})
    assert invalid.status_code == 422 and "title" in invalid.text
    assert collections(session_factory)[0].default_tlp == "green"
    assert len(audited(session_factory, "intel.collection")) == 1


def test_write_is_granted_and_revoked_per_organisation(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = as_isac_analyst(client, session_factory)
    create(client, alias="closed")
    closed = collections(session_factory)[-1]
    objects_url = f"{ROOT}/collections/{closed.id}/objects/"

    def write() -> int:
        sent = envelope([indicator("203.0.113.50")])
        return client.post(objects_url, json=sent, headers=taxii_headers(hub.publisher)).status_code

    assert write() == 403
    grants = f"/intel/collections/{closed.id}/grants"
    granted = client.post(
        grants, data={"organisation": str(hub.publisher_id), "can_read": "yes", "can_write": "yes"},
        follow_redirects=False,
    )  # fmt: skip
    assert granted.status_code == 303
    assert write() == 202
    page = client.get(f"/intel/collections/{closed.id}").text
    assert "exchange-a" in page
    revoked = client.post(
        f"{grants}/{public(client, 'organisation', hub.publisher_id)}/revoke", follow_redirects=False
    )
    assert revoked.status_code == 303
    assert write() == 403
    assert (
        client.post(f"{grants}/{public(client, 'organisation', hub.publisher_id)}/revoke").status_code == 404
    )
    actions = [entry.action for entry in audited(session_factory, "intel.access")]
    assert actions == ["intel.access_granted", "intel.access_revoked"]
    granted_entry = audited(session_factory, "intel.access_granted")[0]
    assert granted_entry.details["organisation"] == "exchange-a"
    assert granted_entry.details["can_read"] is True and granted_entry.details["can_write"] is True


def test_invalid_grants_store_nothing(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    hub = as_isac_analyst(client, session_factory)
    grants = f"/intel/collections/{hub.collection_id}/grants"
    neither = client.post(grants, data={"organisation": str(hub.publisher_id)})
    assert neither.status_code == 422 and "can_read" in neither.text
    unknown = client.post(grants, data={"organisation": "999999", "can_read": "yes"})
    assert unknown.status_code == 422 and "organisation" in unknown.text
    assert client.post("/intel/collections/nope/grants", data={"organisation": "1"}).status_code == 404
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(IntelCollectionAccess)) == 0
    assert audited(session_factory) == []
