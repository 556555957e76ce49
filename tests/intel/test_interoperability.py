"""Real TAXII clients against our server over loopback: taxii2-client and stix2's TAXII data store."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import pytest
import stix2
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from taxii2client.exceptions import ValidationError
from taxii2client.v21 import Collection, Server, as_pages

from cyberdelta.intel.tlp import Tlp
from cyberdelta.intel.wallet import address_pattern, wallet_address
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.permissions import Role
from tests.intel.live_taxii import free_port, serving
from tests.intel.stix_factories import Hub, indicator, make_hub
from tests.intel.test_pages import signed_in

ADDRESS = "0x" + "3f" * 20


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def live_server(app: FastAPI, port: int) -> Iterator[str]:
    with serving(app, port) as url:
        yield url


@pytest.fixture
def settings(settings: Settings, port: int) -> Settings:
    """Discovery names the configured base URL (TAXII 2.1 §4.1): the loopback server's own."""
    return settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})


@pytest.fixture
def hub(session_factory: sessionmaker[Session]) -> Hub:
    return make_hub(session_factory, default_tlp=Tlp.GREEN)


@pytest.fixture
def collection(live_server: str, hub: Hub) -> Iterator[Collection]:
    server = Server(f"{live_server}/taxii2/", user="exchange-a", password=hub.publisher)
    found = server.api_roots[0].collections[0]
    yield found
    found.close()
    server.close()


def test_taxii2_client_discovers_adds_polls_and_reads(live_server: str, hub: Hub) -> None:
    server = Server(f"{live_server}/taxii2/", user="exchange-a", password=hub.publisher)
    assert server.title == "CyberDelta TAXII 2.1"
    root = server.default
    assert root is not None
    assert root.max_content_length == 16 * 1024 * 1024
    [collection] = root.collections
    assert (collection.id, collection.can_read, collection.can_write) == (hub.collection_id, True, True)

    sent = [indicator(f"198.51.100.{number}") for number in range(5)]
    status = collection.add_objects({"objects": sent})
    status.wait_until_final(poll_interval=0, timeout=5)
    assert (status.status, status.success_count, status.failure_count) == ("complete", 5, 0)
    status.refresh()
    assert status.total_count == 5

    pages = list(as_pages(collection.get_objects, per_request=2))
    assert [len(page.get("objects", [])) for page in pages] == [2, 2, 1]
    assert [item["id"] for page in pages for item in page["objects"]] == [item["id"] for item in sent]

    filtered = collection.get_objects(type="indicator", id=sent[3]["id"])
    assert [item["id"] for item in filtered["objects"]] == [sent[3]["id"]]

    manifest = collection.get_manifest()
    assert {entry["id"] for entry in manifest["objects"]} == {item["id"] for item in sent}

    newer = dict(sent[0], modified="2026-11-10T00:00:00.000Z", name="updated")
    collection.add_objects({"objects": [newer]}).wait_until_final(poll_interval=0, timeout=5)
    versions = collection.object_versions(sent[0]["id"])
    assert versions["versions"] == ["2026-11-01T09:00:00.000Z", "2026-11-10T00:00:00.000Z"]
    assert collection.get_object(sent[0]["id"])["objects"][0]["name"] == "updated"
    every = collection.get_object(sent[0]["id"], version="all")
    assert len(every["objects"]) == 2
    root.close()
    server.close()


def test_stix2_taxii_sink_and_source_round_trip_crypto_objects(collection: Collection) -> None:
    sink = stix2.TAXIICollectionSink(collection, allow_custom=True)
    source = stix2.TAXIICollectionSource(collection, allow_custom=True)
    with warnings.catch_warnings():
        # stix2 parses the custom SCO only with allow_custom; it warns about it, which is expected here.
        warnings.simplefilter("ignore")
        address = wallet_address("ethereum", ADDRESS)
        actor = stix2.ThreatActor(name="Lazarus Group", threat_actor_types=["nation-state"])
        detector = stix2.Indicator(
            name="DMM Bitcoin theft destination",
            pattern=address_pattern("ethereum", ADDRESS),
            pattern_type="stix",
            valid_from="2026-11-01T00:00:00Z",
        )
        seen = stix2.Sighting(sighting_of_ref=detector.id, description="seen in a withdrawal request")
        sink.add([actor, detector, seen])
        sink.add(address)

        assert source.get(actor.id)["name"] == "Lazarus Group"
        found = source.query([stix2.Filter("type", "=", "indicator")])
        assert [item.id for item in found] == [detector.id]
        assert source.get(seen.id)["sighting_of_ref"] == detector.id
        assert source.get(address["id"])["address"] == ADDRESS


def test_the_collection_url_the_pages_give_works_with_taxii2_client(
    live_server: str, hub: Hub, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """taxii2-client checks that a collection's id is part of its URL: an alias URL (``…/crypto/``)
    fails with it, so the pages, discovery and docs give the id-based URL."""
    signed_in(client, session_factory, hub.isac_id, Role.ANALYST)
    page = client.get(f"/intel/collections/{hub.collection_id}").text
    found = re.search(r"TAXII: <code>(/taxii2/intel/collections/[^<]+)</code>", page)
    assert found is not None
    collection = Collection(f"{live_server}{found.group(1)}", user="exchange-a", password=hub.publisher)
    assert collection.id == hub.collection_id and collection.can_write
    sent = indicator("198.51.100.77")
    assert collection.add_objects({"objects": [sent]}).success_count == 1
    assert [item["id"] for item in collection.get_objects()["objects"]] == [sent["id"]]
    collection.close()
    by_alias = Collection(
        f"{live_server}/taxii2/intel/collections/crypto/", user="exchange-a", password=hub.publisher
    )
    with pytest.raises(ValidationError, match="does not match the url"):
        by_alias.refresh()
    by_alias.close()
