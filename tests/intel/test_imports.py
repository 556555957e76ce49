"""Imports of ATT&CK, OpenCTI and MISP exports: converted, validated, stored, visible over TAXII."""

from __future__ import annotations

import codecs
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.imports import ImportFormatError, read_objects
from cyberdelta.intel.publishing import import_objects
from cyberdelta.intel.service import CollectionError
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.intel.wallet import SCO_TYPE
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from tests.intel.attack_factories import LAZARUS, attack_bundle, misp_event, opencti_bundle
from tests.intel.stix_factories import ROOT, make_hub, taxii_headers

BTC = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"


def as_bytes(document: object) -> bytes:
    return json.dumps(document).encode()


def test_misp_event_becomes_a_report_and_indicators() -> None:
    objects = read_objects(as_bytes(misp_event()))
    by_type: dict[str, list[dict[str, object]]] = {}
    for item in objects:
        assert isinstance(item, dict)
        by_type.setdefault(str(item["type"]), []).append(item)
    patterns = sorted(str(item["pattern"]) for item in by_type["indicator"])
    assert patterns == [
        "[domain-name:value = 'careers-crypto.example']",
        f"[file:hashes.'SHA-256' = '{'a' * 64}']",
        f"[{SCO_TYPE}:chain = 'bitcoin' AND {SCO_TYPE}:address = '{BTC}']",
        f"[{SCO_TYPE}:chain = 'ethereum' AND {SCO_TYPE}:address = '0x{'ab' * 20}']",
    ]
    [report] = by_type["report"]
    assert report["name"] == "Fake recruiter campaign against exchange engineers"
    assert report["object_marking_refs"] == [TLP2_MARKING_IDS[Tlp.GREEN]]
    assert read_objects(as_bytes(misp_event())) == objects  # same uuids, same STIX ids


def test_unreadable_files_are_refused_with_the_field() -> None:
    with pytest.raises(ImportFormatError, match=r"^file:"):
        read_objects(b"{not json")
    with pytest.raises(ImportFormatError, match=r"^file:"):
        read_objects(b'{"hello": 1}')
    with pytest.raises(ImportFormatError, match=r"^Event\.uuid"):
        read_objects(b'{"Event": {"info": "x"}}')


def test_a_utf8_byte_order_mark_is_accepted_as_the_catalog_import_accepts_it() -> None:
    """RFC 8259 §8.1: parsers may ignore a leading byte order mark; Windows tools write one."""
    bundle = attack_bundle()
    assert read_objects(codecs.BOM_UTF8 + as_bytes(bundle)) == read_objects(as_bytes(bundle))


def test_attack_and_opencti_bundles_are_stored_and_served(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        attack = import_objects(
            session,
            "crypto",
            "crypto-isac",
            read_objects(as_bytes(attack_bundle())),
            actor=Actor.console(),
        )
        opencti = import_objects(
            session,
            "crypto",
            "exchange-a",
            read_objects(as_bytes(opencti_bundle())),
            actor=Actor.console(),
        )
        misp = import_objects(
            session,
            "crypto",
            "exchange-a",
            read_objects(as_bytes(misp_event())),
            actor=Actor.console(),
        )
        assert (attack.success_count, attack.failure_count) == (6, 0)
        assert (opencti.success_count, opencti.failure_count) == (1, 1)
        assert (misp.success_count, misp.failure_count) == (5, 0)
    actor = client.get(
        f"{ROOT}/collections/crypto/objects/{LAZARUS}/", headers=taxii_headers(hub.other_exchange)
    ).json()["objects"][0]
    assert "TraderTraitor" in actor["aliases"]
    scored = client.get(
        f"{ROOT}/collections/crypto/objects/",
        params={"match[type]": "indicator"},
        headers=taxii_headers(hub.supervisor),
    ).json()
    # The supervisor sees the TLP:GREEN MISP indicators, not the unmarked (collection default AMBER) ones.
    assert len(scored["objects"]) == 4


def test_import_names_the_unknown_collection_or_organisation(session_factory: sessionmaker[Session]) -> None:
    make_hub(session_factory)
    with transaction(session_factory) as session, pytest.raises(CollectionError, match=r"^collection:"):
        import_objects(session, "nope", "exchange-a", [], actor=Actor.console())
    with transaction(session_factory) as session, pytest.raises(CollectionError, match=r"^organisation:"):
        import_objects(session, "crypto", "nope", [], actor=Actor.console())
