"""TAXII 2.1 server over HTTP: each resource of the specification, with its errors."""

from __future__ import annotations

import base64
import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.http.media import STIX, TAXII
from cyberdelta.intel.models import IntelObject
from cyberdelta.platform.settings import Settings
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers


def objects_url(hub: Hub) -> str:
    return f"{ROOT}/collections/{hub.collection_id}/objects/"


def post(client: TestClient, hub: Hub, objects: list[dict[str, Any]], token: str | None = None) -> Any:
    response = client.post(
        objects_url(hub), json=envelope(objects), headers=taxii_headers(token or hub.publisher)
    )
    assert response.status_code == 202, response.text
    return response.json()


def stored(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(IntelObject)) or 0)


def test_discovery_lists_the_api_root_at_the_configured_base_url(
    client: TestClient, settings: Settings
) -> None:
    response = client.get("/taxii2/", headers={"Accept": TAXII, "Host": "attacker.example"})
    assert response.status_code == 200
    assert response.headers["content-type"] == TAXII
    root = settings.base_url.rstrip("/") + "/taxii2/intel/"
    assert response.json()["api_roots"] == [root] and response.json()["default"] == root


def test_api_root_announces_version_and_size_limit(client: TestClient) -> None:
    document = client.get(f"{ROOT}/", headers={"Accept": TAXII}).json()
    assert document["versions"] == [TAXII]
    assert document["max_content_length"] == 16 * 1024 * 1024


def test_unknown_api_root_is_a_taxii_error(client: TestClient) -> None:
    response = client.get("/taxii2/other/", headers={"Accept": TAXII})
    assert response.status_code == 404
    assert response.headers["content-type"] == TAXII
    assert response.json()["http_status"] == "404"


def test_collections_are_listed_with_the_callers_rights(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    listed = client.get(f"{ROOT}/collections/", headers=taxii_headers(hub.supervisor)).json()
    assert [(item["alias"], item["can_read"], item["can_write"]) for item in listed["collections"]] == [
        ("crypto", True, False)
    ]
    anonymous = client.get(f"{ROOT}/collections/", headers=taxii_headers())
    assert anonymous.json() == {}
    by_alias = client.get(f"{ROOT}/collections/crypto/", headers=taxii_headers(hub.publisher)).json()
    assert by_alias["id"] == hub.collection_id
    assert by_alias["media_types"] == [STIX]


def test_add_objects_reports_each_object_and_stores_only_the_valid_ones(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    good = indicator("198.51.100.1")
    bad_id = indicator("198.51.100.2", identifier="indicator--not-a-uuid")
    bad_time = indicator("198.51.100.3", modified="yesterday")
    bad_pattern = indicator("198.51.100.4", pattern="[ipv4-addr:value = '198.51.100.4'")
    status = post(client, hub, [good, bad_id, bad_time, bad_pattern])
    assert (status["status"], status["total_count"], status["success_count"], status["failure_count"]) == (
        "complete",
        4,
        1,
        3,
    )
    assert status["pending_count"] == 0
    assert [item["id"] for item in status["successes"]] == [good["id"]]
    messages = {item["id"]: item["message"] for item in status["failures"]}
    assert messages[bad_id["id"]].startswith("$.objects[1].id: ")
    assert messages[bad_time["id"]].startswith("$.objects[2].modified: ")
    assert messages[bad_pattern["id"]].startswith("$.objects[3].pattern: ")
    assert stored(session_factory) == 1
    polled = client.get(f"{ROOT}/status/{status['id']}/", headers=taxii_headers(hub.publisher))
    assert polled.json() == status
    other = client.get(f"{ROOT}/status/{status['id']}/", headers=taxii_headers(hub.other_exchange))
    assert other.status_code == 404


def test_full_validation_refuses_what_only_the_oasis_validator_catches(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    wrong_vocabulary = indicator("198.51.100.9", pattern="[ipv4-addr:value = '198.51.100.9'] FROM 3")
    status = post(client, hub, [indicator("198.51.100.8"), wrong_vocabulary])
    assert status["failure_count"] == 1
    assert status["failures"][0]["message"].startswith("$.objects[1].pattern: Pattern failed to validate")


def test_a_refusal_names_the_property_path_in_one_line_without_dumping_object_or_schema(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """Issue #16 item 6: stix2-validator's message for a bad external reference embedded the whole
    object and the JSON schema, with a local file path, and never said which property it was."""
    hub = make_hub(session_factory)
    bad_reference = indicator("198.51.100.7", external_references=[{"source_name": 5}])
    status = post(client, hub, [indicator("198.51.100.6"), indicator("198.51.100.5"), bad_reference])
    message = status["failures"][0]["message"]
    assert message.startswith("$.objects[2].external_references[0]")
    assert "\n" not in message and "file://" not in message and "{" not in message


def test_objects_page_with_limit_next_and_date_added_headers(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    sent = [indicator(f"192.0.2.{number}") for number in range(7)]
    post(client, hub, sent)
    seen: list[str] = []
    url, params = objects_url(hub), {"limit": "3"}
    while True:
        response = client.get(url, params=params, headers=taxii_headers(hub.other_exchange))
        assert response.status_code == 200
        page = response.json()
        ids = [item["id"] for item in page.get("objects", [])]
        seen.extend(ids)
        assert response.headers["X-TAXII-Date-Added-First"] <= response.headers["X-TAXII-Date-Added-Last"]
        if not page["more"]:
            break
        params = {"limit": "3", "next": page["next"]}
    assert seen == [item["id"] for item in sent]


def test_added_after_returns_only_later_objects(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    post(client, hub, [indicator("192.0.2.1")])
    first = client.get(objects_url(hub), headers=taxii_headers(hub.publisher))
    mark = first.headers["X-TAXII-Date-Added-Last"]
    later = indicator("192.0.2.2")
    post(client, hub, [later])
    response = client.get(
        objects_url(hub), params={"added_after": mark}, headers=taxii_headers(hub.publisher)
    )
    assert [item["id"] for item in response.json()["objects"]] == [later["id"]]


def test_match_filters_on_id_type_and_spec_version(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    wanted, other = indicator("192.0.2.10"), indicator("192.0.2.11")
    actor = {
        "type": "threat-actor",
        "spec_version": "2.1",
        "id": "threat-actor--56f3f0db-b5d5-431c-ae56-c18f02caf500",
        "created": "2026-11-01T00:00:00.000Z",
        "modified": "2026-11-01T00:00:00.000Z",
        "name": "Lazarus Group",
    }
    post(client, hub, [wanted, other, actor])

    def ids(params: dict[str, str]) -> list[str]:
        body = client.get(objects_url(hub), params=params, headers=taxii_headers(hub.publisher)).json()
        return [item["id"] for item in body.get("objects", [])]

    assert ids({"match[id]": wanted["id"]}) == [wanted["id"]]
    assert ids({"match[type]": "threat-actor"}) == [actor["id"]]
    assert ids({"match[type]": "indicator,threat-actor"}) == [wanted["id"], other["id"], actor["id"]]
    assert ids({"match[spec_version]": "2.0"}) == []
    assert len(ids({"match[spec_version]": "2.1"})) == 3


def test_versions_are_kept_by_modified_and_selected_with_match_version(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    identifier = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    first = indicator("192.0.2.20", identifier=identifier, modified="2026-11-01T09:00:00.000Z")
    second = indicator("192.0.2.20", identifier=identifier, modified="2026-11-02T09:00:00.000Z", name="v2")
    third = indicator("192.0.2.20", identifier=identifier, modified="2026-11-03T09:00:00.000Z", name="v3")
    post(client, hub, [second])
    post(client, hub, [first, third])
    post(client, hub, [second])  # the same version again stores nothing new
    assert stored(session_factory) == 3
    url = f"{objects_url(hub)}{identifier}/"

    def modified(params: dict[str, str]) -> list[str]:
        body = client.get(url, params=params, headers=taxii_headers(hub.publisher)).json()
        return sorted(item["modified"] for item in body["objects"])

    assert modified({}) == [third["modified"]]
    assert modified({"match[version]": "first"}) == [first["modified"]]
    assert modified({"match[version]": "all"}) == sorted(item["modified"] for item in (first, second, third))
    assert modified({"match[version]": "first,last"}) == [first["modified"], third["modified"]]
    assert modified({"match[version]": "2026-11-02T09:00:00Z"}) == [second["modified"]]
    versions = client.get(f"{url}versions/", headers=taxii_headers(hub.publisher)).json()
    assert sorted(versions["versions"]) == [
        "2026-11-01T09:00:00.000Z",
        "2026-11-02T09:00:00.000Z",
        "2026-11-03T09:00:00.000Z",
    ]


def test_manifest_lists_versions_with_date_added_and_media_type(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    sent = indicator("192.0.2.30")
    post(client, hub, [sent])
    response = client.get(
        f"{ROOT}/collections/{hub.collection_id}/manifest/", headers=taxii_headers(hub.isac)
    )
    entry = response.json()["objects"][0]
    assert entry["id"] == sent["id"]
    assert entry["media_type"] == STIX
    assert entry["version"] == "2026-11-01T09:00:00.000Z"
    assert entry["date_added"] == response.headers["X-TAXII-Date-Added-First"]


def test_delete_is_for_the_publisher_or_an_intel_admin(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    mine, theirs = indicator("192.0.2.40"), indicator("192.0.2.41")
    post(client, hub, [mine])
    post(client, hub, [theirs], token=hub.other_exchange)
    refused = client.delete(f"{objects_url(hub)}{theirs['id']}/", headers=taxii_headers(hub.publisher))
    assert refused.status_code == 404
    assert (
        client.delete(f"{objects_url(hub)}{mine['id']}/", headers=taxii_headers(hub.publisher)).status_code
        == 200
    )
    assert (
        client.delete(f"{objects_url(hub)}{theirs['id']}/", headers=taxii_headers(hub.isac)).status_code
        == 200
    )
    assert stored(session_factory) == 0
    gone = client.get(f"{objects_url(hub)}{mine['id']}/", headers=taxii_headers(hub.publisher))
    assert gone.status_code == 404


def test_delete_of_the_latest_version_makes_the_previous_one_latest(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    identifier = "indicator--0b7c6a6f-5a9f-4a3e-9d59-7e0c4a6f2f11"
    old = indicator("192.0.2.50", identifier=identifier, modified="2026-11-01T09:00:00.000Z")
    new = indicator("192.0.2.50", identifier=identifier, modified="2026-11-05T09:00:00.000Z")
    post(client, hub, [old, new])
    url = f"{objects_url(hub)}{identifier}/"
    deleted = client.delete(
        url, params={"match[version]": new["modified"]}, headers=taxii_headers(hub.publisher)
    )
    assert deleted.status_code == 200
    latest = client.get(url, headers=taxii_headers(hub.publisher)).json()["objects"]
    assert [item["modified"] for item in latest] == [old["modified"]]


def test_content_negotiation_406_and_415(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    hub = make_hub(session_factory)
    refused = client.get(
        objects_url(hub), headers={**taxii_headers(hub.publisher), "Accept": "application/json"}
    )
    assert refused.status_code == 406
    assert refused.json()["title"] == "Not Acceptable"
    old_version = {**taxii_headers(hub.publisher), "Accept": "application/taxii+json;version=2.0"}
    assert client.get(objects_url(hub), headers=old_version).status_code == 406
    stix_accept = client.get(objects_url(hub), headers={**taxii_headers(hub.publisher), "Accept": STIX})
    assert stix_accept.status_code == 200
    assert stix_accept.headers["content-type"] == STIX
    wrong_body = client.post(
        objects_url(hub),
        content=json.dumps(envelope([indicator()])),
        headers={**taxii_headers(hub.publisher), "Content-Type": "application/json"},
    )
    assert wrong_body.status_code == 415
    assert stored(session_factory) == 0


def test_malformed_and_oversized_envelopes_are_refused_whole(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    headers = taxii_headers(hub.publisher)
    malformed = client.post(objects_url(hub), content=b'{"objects": [', headers=headers)
    assert malformed.status_code == 400
    assert "JSON" in malformed.json()["title"]
    not_envelope = client.post(objects_url(hub), content=b'{"object": []}', headers=headers)
    assert not_envelope.status_code == 400
    assert not_envelope.json()["description"].startswith("objects:")
    client.app.state.settings.intel_max_content_length = 2_000  # type: ignore[attr-defined]
    too_big = client.post(
        objects_url(hub),
        content=json.dumps(envelope([indicator(f"192.0.2.{n}") for n in range(20)])),
        headers=headers,
    )
    assert too_big.status_code == 413
    assert stored(session_factory) == 0


def test_authentication_bearer_basic_and_their_failures(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    basic = base64.b64encode(f"anyone:{hub.publisher}".encode()).decode()
    with_basic = {**taxii_headers(), "Authorization": f"Basic {basic}"}
    assert client.post(objects_url(hub), json=envelope([indicator()]), headers=with_basic).status_code == 202
    unknown = client.get(objects_url(hub), headers=taxii_headers("cdt_unknown"))
    assert unknown.status_code == 401
    assert unknown.headers["content-type"] == TAXII
    wrong_basic = {**taxii_headers(), "Authorization": "Basic " + base64.b64encode(b"x:cdt_nope").decode()}
    assert client.get(objects_url(hub), headers=wrong_basic).status_code == 401
    anonymous = client.post(objects_url(hub), json=envelope([indicator()]), headers=taxii_headers())
    assert anonymous.status_code == 401
    read_only = client.post(
        objects_url(hub), json=envelope([indicator()]), headers=taxii_headers(hub.supervisor)
    )
    assert read_only.status_code == 403
    assert client.get(objects_url(hub), headers=taxii_headers()).status_code == 401
    assert stored(session_factory) == 1
