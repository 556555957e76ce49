"""Real TAXII clients against our server over loopback: taxii2-client and stix2's TAXII data store."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
import stix2
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from taxii2client.v21 import Collection, Server, as_pages

from cyberdelta.intel.tlp import Tlp
from cyberdelta.intel.wallet import address_pattern, wallet_address
from cyberdelta.platform.settings import Settings
from tests.intel.live_taxii import free_port, serving
from tests.intel.stix_factories import Hub, indicator, make_hub

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
