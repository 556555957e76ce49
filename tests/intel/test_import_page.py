"""The import page: a member uploads a MISP event or a STIX bundle into a collection it may write; the
same validation and TLP rules as a TAXII POST apply, and a file that cannot be read stores nothing."""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.intel import service
from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.publishing import identity_id
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.permissions import Role
from cyberdelta.tenancy.service import get_organisation
from tests.intel.attack_factories import attack_bundle, attack_bundle_20, misp_composite_event, misp_event
from tests.intel.stix_factories import ROOT, Hub, indicator, make_hub, taxii_headers
from tests.intel.test_pages import count, signed_in


def upload(client: TestClient, hub: Hub, content: bytes, name: str = "event.json", **fields: str) -> Any:
    data = {"collection": hub.collection_id, "tlp": "", **fields}
    return client.post("/intel/import", data=data, files={"file": (name, content, "application/json")})


def audit_actions(factory: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_misp_event_imported_through_the_page_is_shared_and_audited(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    form = client.get("/intel/import")
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.text and 'enctype="multipart/form-data"' in form.text
    content = json.dumps(misp_event()).encode()
    response = upload(client, hub, content, name="misp-event.json")
    assert response.status_code == 200
    assert 'id="import-result"' in response.text
    assert "misp-event.json" in response.text and "MISP" in response.text
    objects = client.get(
        f"{ROOT}/collections/{hub.collection_id}/objects/", headers=taxii_headers(hub.other_exchange)
    ).json()["objects"]
    assert sorted(item["type"] for item in objects) == ["indicator"] * 4 + ["report"]
    [entry] = audit_actions(session_factory, "intel.import")
    assert entry.organisation_id == hub.publisher_id
    assert entry.details["format"] == "misp"
    assert entry.details["success_count"] == 5 and entry.details["failure_count"] == 0
    assert entry.details["sha256"] == hashlib.sha256(content).hexdigest()
    assert len(audit_actions(session_factory, "intel.publish")) == 1
    # The same file again stores nothing new (MISP uuids give the same STIX ids and versions).
    assert upload(client, hub, content).status_code == 200
    assert count(session_factory) == 5


def test_refused_objects_are_listed_with_their_id_and_the_property(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    good = indicator("203.0.113.9")
    bad = indicator("203.0.113.10")
    del bad["pattern"]
    bundle = {"type": "bundle", "id": "bundle--0f6a4c86-6e0c-4b7e-8d5e-3f8f2b1d9a10", "objects": [good, bad]}
    response = upload(client, hub, json.dumps(bundle).encode(), name="bundle.json")
    assert response.status_code == 200
    assert 'id="import-failures"' in response.text
    assert (
        bad["id"] in response.text
        and "$.objects[1].pattern: &#39;pattern&#39; is a required property" in response.text
    )
    assert count(session_factory) == 1


def test_files_that_cannot_be_read_are_rejected_whole_and_store_nothing(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    not_json = upload(client, hub, b'{"objects": [', name="broken.json")
    assert not_json.status_code == 422
    assert "broken.json" in not_json.text and "JSON" in not_json.text and "file" in not_json.text
    unknown = upload(client, hub, b'{"hello": 1}', name="other.json")
    assert unknown.status_code == 422 and "MISP" in unknown.text
    empty_bundle = upload(client, hub, b'{"type": "bundle", "objects": []}', name="empty.json")
    assert empty_bundle.status_code == 422 and "empty.json" in empty_bundle.text
    no_file = client.post("/intel/import", data={"collection": hub.collection_id})
    assert no_file.status_code == 422
    wrong_collection = upload(client, hub, json.dumps(misp_event()).encode(), collection="nope")
    assert wrong_collection.status_code == 422 and "collection" in wrong_collection.text
    wrong_tlp = upload(client, hub, json.dumps(misp_event()).encode(), tlp="purple")
    assert wrong_tlp.status_code == 422
    settings.max_upload_bytes = 100
    too_large = upload(client, hub, json.dumps(misp_event()).encode())
    assert too_large.status_code == 422 and "100" in too_large.text
    assert count(session_factory) == 0
    assert audit_actions(session_factory, "intel.import") == []
    assert audit_actions(session_factory, "intel.publish") == []


def test_unmarked_objects_take_the_chosen_tlp_or_the_collection_default(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory, default_tlp=Tlp.AMBER)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    red = indicator("203.0.113.20")
    green = indicator("203.0.113.21", tlp=Tlp.GREEN)
    upload(client, hub, json.dumps({"objects": [red, green]}).encode(), tlp="red")
    default = indicator("203.0.113.22")
    upload(client, hub, json.dumps({"objects": [default]}).encode())
    with session_factory() as session:
        rows = {row.stix_id: row for row in session.scalars(select(IntelObject))}
    assert rows[red["id"]].tlp == "red"
    assert TLP2_MARKING_IDS[Tlp.RED] in json.loads(rows[red["id"]].body)["object_marking_refs"]
    assert rows[green["id"]].tlp == "green"  # already marked: left alone
    assert rows[default["id"]].tlp == "amber"


def test_an_attack_bundle_can_be_published_anonymously_through_the_isac(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    response = upload(client, hub, json.dumps(attack_bundle()).encode(), anonymous="yes", tlp="green")
    assert response.status_code == 200 and "ATT&amp;CK" in response.text
    with session_factory() as session:
        isac = get_organisation(session, hub.isac_id)
        assert isac is not None
        publishers = set(session.scalars(select(IntelObject.publisher_organisation_id)))
        bodies = [json.loads(body) for body in session.scalars(select(IntelObject.body))]
        # Readers see the ISAC as creator; inside the hub the true publisher keeps (and owns) them.
        assert publishers == {hub.publisher_id}
        assert all(body.get("created_by_ref") == identity_id(isac) for body in bodies if "created" in body)
    [entry] = audit_actions(session_factory, "intel.import")
    assert entry.organisation_id == hub.publisher_id and entry.details["anonymous"] is True


def test_the_import_page_needs_intel_write_a_writable_collection_and_the_csrf_token(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        closed = service.create_collection(session, title="ISAC only", members_write=False)
        closed_id = closed.id
    signed_in(client, session_factory, hub.publisher_id, Role.VIEWER)
    assert client.get("/intel/import").status_code == 403
    assert upload(client, hub, json.dumps(misp_event()).encode()).status_code == 403
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    page = client.get("/intel/import").text
    assert hub.collection_id in page and closed_id not in page
    refused = upload(client, hub, json.dumps(misp_event()).encode(), collection=closed_id)
    assert refused.status_code == 422
    del client.headers["x-csrf-token"]
    assert upload(client, hub, json.dumps(misp_event()).encode()).status_code == 403
    assert count(session_factory) == 0


def test_a_large_file_is_stored_in_the_background_and_the_page_follows_it(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """Over CYBERDELTA_INTEL_PENDING_THRESHOLD objects the page answers at once (TAXII ``pending``)."""
    settings = settings.model_copy(update={"intel_pending_threshold": 2, "intel_validation_workers": 1})
    hub = make_hub(session_factory)
    good = [indicator(f"198.51.100.{number}") for number in range(4)]
    bad = dict(indicator("198.51.100.99"), id="indicator--not-a-uuid")
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [*good, bad]}
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
        response = upload(client, hub, json.dumps(bundle).encode(), name="feed.json")
        assert response.status_code == 200
        found = re.search(
            r'hx-get="/intel/import/status/([0-9a-f-]{36})\?file=feed.json&amp;format=stix"', response.text
        )
        assert found is not None, "the pending result polls its status"
        status_url = f"/intel/import/status/{found.group(1)}?file=feed.json&format=stix"
        deadline = time.monotonic() + 30
        while True:
            page = client.get(status_url, headers={"HX-Request": "true"})
            assert page.status_code == 200
            if "hx-get" not in page.text or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert "hx-get" not in page.text, "the import completed"
        assert page.text.lstrip().startswith("<section"), "htmx gets the result alone"
        assert 'id="import-failures"' in page.text and "indicator--not-a-uuid" in page.text
        assert "feed.json" in page.text
        full_page = client.get(status_url)
        assert 'id="import-result"' in full_page.text and "<form" in full_page.text
        with session_factory() as session:
            stored = set(session.scalars(select(IntelObject.stix_id)))
        assert stored == {item["id"] for item in good}
        [entry] = audit_actions(session_factory, "intel.import")
        assert (entry.details["pending"], entry.details["total_count"]) == (True, 5)
        assert entry.details["status"] == found.group(1)

        # Only the importing organisation follows its import.
        signed_in(client, session_factory, hub.other_id, Role.SECURITY_OFFICER)
        assert client.get(status_url).status_code == 404


def test_the_page_says_what_was_new_already_present_and_refused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    client.headers["Accept-Language"] = "en"
    content = json.dumps(misp_event()).encode()
    first = upload(client, hub, content, name="misp-event.json")
    assert "5 objects, 5 new, 0 already present, 0 refused." in first.text
    again = upload(client, hub, content, name="misp-event.json")
    assert "5 objects, 0 new, 5 already present, 0 refused." in again.text
    assert count(session_factory) == 5


def test_the_page_converts_stix20_and_lists_the_misp_attributes_left_out(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    signed_in(client, session_factory, hub.publisher_id, Role.SECURITY_OFFICER)
    client.headers["Accept-Language"] = "en"
    converted = upload(client, hub, json.dumps(attack_bundle_20()).encode(), name="enterprise-attack.json")
    assert "MITRE ATT&amp;CK bundle (STIX 2.0), converted to STIX 2.1 with stix2-elevator" in converted.text
    assert "converted to STIX 2.1 with stix2-elevator 4.1.7 before they were checked" in converted.text
    assert "7 objects, 7 new, 0 already present, 0 refused." in converted.text
    [entry] = audit_actions(session_factory, "intel.import")
    assert entry.details["format"] == "attack20"
    composite = upload(client, hub, json.dumps(misp_composite_event()).encode(), name="event.json")
    assert "7 objects, 7 new, 0 already present, 0 refused." in composite.text
    assert (
        'id="import-skipped"' in composite.text and "4 MISP attributes were not imported:" in composite.text
    )
    assert "Event.Attribute[6]" in composite.text and "is not a STIX 2.1 hash algorithm" in composite.text
