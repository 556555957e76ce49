"""Ownership of STIX ids and identity binding over TAXII 2.1 (docs/intel.md, "Ownership").

STIX 2.1 §3.6: only an object's creator makes new versions of it; within the hub the creator is
the organisation that first stored the id. Others state their view as objects of their own.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.intel.publishing import identity_id
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.service import get_organisation
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers

LATER = "2026-11-02T09:00:00.000Z"


def objects_url(hub: Hub, collection_id: str | None = None) -> str:
    return f"{ROOT}/collections/{collection_id or hub.collection_id}/objects/"


def post(
    client: TestClient,
    hub: Hub,
    objects: list[dict[str, Any]],
    token: str,
    collection_id: str | None = None,
    language: str = "en",
) -> Any:
    headers = {**taxii_headers(token), "Accept-Language": language}
    response = client.post(objects_url(hub, collection_id), json=envelope(objects), headers=headers)
    assert response.status_code == 202, response.text
    return response.json()


def latest(client: TestClient, hub: Hub, stix_id: str, token: str) -> Any:
    response = client.get(f"{objects_url(hub)}{stix_id}/", headers=taxii_headers(token))
    return response.json()["objects"][0] if response.status_code == 200 else response.status_code


def identity_of(factory: sessionmaker[Session], organisation_id: int) -> str:
    with factory() as session:
        organisation = get_organisation(session, organisation_id)
        assert organisation is not None
        return identity_id(organisation)


def test_another_organisation_cannot_revoke_or_shadow_an_owned_object(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        elsewhere = service.create_collection(session, title="Second feed", alias="second").id
    original = indicator("198.51.100.20", tlp=Tlp.GREEN)
    assert post(client, hub, [original], hub.publisher)["success_count"] == 1
    forged = indicator("192.0.2.250", identifier=original["id"], modified=LATER, tlp=Tlp.GREEN, revoked=True)
    for collection_id in (hub.collection_id, elsewhere):
        status = post(client, hub, [forged], hub.other_exchange, collection_id)
        assert (status["success_count"], status["failure_count"]) == (0, 1)
        assert status["failures"][0]["id"] == original["id"]
        assert status["failures"][0]["message"].startswith("id: another organisation owns this id")
    in_japanese = post(client, hub, [forged], hub.other_exchange, language="ja")["failures"][0]
    assert in_japanese["message"].startswith("id: この ID は別の組織が所有しています")
    for reader in (hub.supervisor, hub.other_exchange, hub.publisher):
        seen = latest(client, hub, original["id"], reader)
        assert seen["modified"] == original["modified"] and "revoked" not in seen
    versions = client.get(
        f"{objects_url(hub)}{original['id']}/versions/", headers=taxii_headers(hub.supervisor)
    ).json()
    assert versions["versions"] == [original["modified"]]
    # The owner still revokes its own object.
    revoked = indicator(
        "198.51.100.20", identifier=original["id"], modified=LATER, tlp=Tlp.GREEN, revoked=True
    )
    assert post(client, hub, [revoked], hub.publisher)["success_count"] == 1
    assert latest(client, hub, original["id"], hub.supervisor)["revoked"] is True


def test_created_by_ref_names_the_callers_own_identity_and_hub_identities_are_not_writable(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    own, theirs, isac = (
        identity_of(session_factory, key) for key in (hub.other_id, hub.publisher_id, hub.isac_id)
    )
    as_a = indicator("198.51.100.30", created_by_ref=theirs)
    as_isac = indicator("198.51.100.31", created_by_ref=isac)
    renamed_isac = {
        "type": "identity", "spec_version": "2.1", "id": isac, "created": "2026-01-01T00:00:00.000Z",
        "modified": LATER, "name": "Not the ISAC", "identity_class": "organization",
    }  # fmt: skip
    mine = indicator("198.51.100.32", created_by_ref=own)
    status = post(client, hub, [as_a, as_isac, renamed_isac, mine], hub.other_exchange)
    assert [item["id"] for item in status["successes"]] == [mine["id"]]
    messages = {item["id"]: item["message"] for item in status["failures"]}
    assert messages[as_a["id"]].startswith("created_by_ref: must be your organisation's identity " + own)
    assert messages[as_isac["id"]].startswith("created_by_ref:")
    assert messages[isac].startswith("id: the hub keeps the identity objects")
    assert latest(client, hub, isac, hub.supervisor) == 404


def test_probing_an_invisible_id_learns_nothing_and_replaces_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    hidden = indicator("198.51.100.40", tlp=Tlp.AMBER_STRICT)
    visible = indicator("198.51.100.41", tlp=Tlp.GREEN)
    post(client, hub, [hidden, visible], hub.publisher)
    answers = []
    for target in (hidden, visible):
        probe = indicator("192.0.2.1", identifier=target["id"], modified=LATER, tlp=Tlp.GREEN)
        failure = post(client, hub, [probe], hub.other_exchange)["failures"][0]
        answers.append(failure["message"])
    assert answers[0] == answers[1]  # the same answer whether B may see the object or not
    assert latest(client, hub, hidden["id"], hub.other_exchange) == 404
    assert latest(client, hub, hidden["id"], hub.publisher)["modified"] == hidden["modified"]


def test_anonymous_publishing_keeps_red_and_amber_strict_and_the_publisher_keeps_its_objects(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    isac = identity_of(session_factory, hub.isac_id)
    red = indicator(
        "198.51.100.50", tlp=Tlp.RED, x_cyberdelta_anonymous=True, x_cyberdelta_recipients=["exchange-b"]
    )
    strict = indicator("198.51.100.51", tlp=Tlp.AMBER_STRICT, x_cyberdelta_anonymous=True)
    assert post(client, hub, [red, strict], hub.publisher)["success_count"] == 2
    assert latest(client, hub, red["id"], hub.other_exchange)["created_by_ref"] == isac
    assert latest(client, hub, red["id"], hub.isac) == 404
    assert latest(client, hub, strict["id"], hub.isac) == 404
    assert latest(client, hub, strict["id"], hub.other_exchange) == 404
    for own in (red, strict):
        assert latest(client, hub, own["id"], hub.publisher)["created_by_ref"] == isac
    # The true publisher owns them: it adds versions and deletes; the ISAC cannot version them.
    update = indicator("198.51.100.51", identifier=strict["id"], modified=LATER, tlp=Tlp.AMBER_STRICT)
    assert post(client, hub, [update], hub.isac)["failure_count"] == 1
    deleted = client.delete(f"{objects_url(hub)}{strict['id']}/", headers=taxii_headers(hub.publisher))
    assert deleted.status_code == 200


def test_anonymous_clients_cannot_tell_a_closed_collection_from_a_missing_one(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    for suffix in ("", "objects/", "manifest/"):
        existing = client.get(f"{ROOT}/collections/{hub.collection_id}/{suffix}", headers=taxii_headers())
        missing = client.get(
            f"{ROOT}/collections/00000000-0000-4000-8000-000000000000/{suffix}", headers=taxii_headers()
        )
        assert existing.status_code == missing.status_code == 401
        assert existing.json() == missing.json()
    for collection_id in (hub.collection_id, "no-such-collection"):
        posted = client.post(
            objects_url(hub, collection_id), json=envelope([indicator()]), headers=taxii_headers()
        )
        assert posted.status_code == 401


def test_versions_and_manifest_return_the_timestamp_exactly_as_the_object_carries_it(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """STIX 2.1 §3.2 timestamps may carry any number of fractional digits; TAXII 2.1 §3.4.2 versions
    are the object's ``modified``."""
    hub = make_hub(session_factory)
    carried = indicator("198.51.100.60", modified="2026-11-01T09:00:00.432Z", tlp=Tlp.GREEN)
    status = post(client, hub, [carried], hub.publisher)
    assert status["successes"][0]["version"] == "2026-11-01T09:00:00.432Z"
    url = f"{objects_url(hub)}{carried['id']}/versions/"
    assert client.get(url, headers=taxii_headers(hub.supervisor)).json()["versions"] == [carried["modified"]]
    manifest = client.get(
        f"{ROOT}/collections/{hub.collection_id}/manifest/", headers=taxii_headers(hub.supervisor)
    ).json()
    assert [item["version"] for item in manifest["objects"]] == [carried["modified"]]


def test_a_refusal_takes_the_same_statements_whether_the_object_is_visible_or_not(
    client: TestClient, session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """No timing oracle: refusing a version of a hidden object and of a visible one runs the same SQL
    statements in the same order (only the bound ids differ), and so do the 404s of reading and
    deleting an object B may not see and one that does not exist."""
    hub = make_hub(session_factory)
    hidden = indicator("198.51.100.50", tlp=Tlp.AMBER_STRICT)
    visible = indicator("198.51.100.51", tlp=Tlp.GREEN)
    post(client, hub, [hidden, visible], hub.publisher)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith("UPDATE api_token SET last_used_at"):  # at most once a minute
            statements.append(statement)

    def traced(action: Any) -> list[str]:
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            action()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return list(statements)

    def probe(target: dict[str, Any]) -> None:
        version = indicator("192.0.2.1", identifier=target["id"], modified=LATER, tlp=Tlp.GREEN)
        assert post(client, hub, [version], hub.other_exchange)["failure_count"] == 1

    assert traced(lambda: probe(hidden)) == traced(lambda: probe(visible))
    missing = f"indicator--{uuid.uuid4()}"
    headers = taxii_headers(hub.other_exchange)
    for method in ("GET", "DELETE"):

        def ask(stix_id: str, method: str = method) -> None:
            assert client.request(method, f"{objects_url(hub)}{stix_id}/", headers=headers).status_code == 404

        assert traced(lambda: ask(hidden["id"])) == traced(lambda: ask(missing))
