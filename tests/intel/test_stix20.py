"""STIX 2.0 input (ATT&CK in mitre/cti) is stepped to STIX 2.1 with the OASIS stix2-elevator, then
validated and stored like any STIX 2.1 file; the result names the tool."""

from __future__ import annotations

import json
from typing import Any

import stix2
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.imports import read_document
from cyberdelta.intel.publishing import import_objects
from cyberdelta.intel.validation import problem
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from tests.intel.attack_factories import APPLEJEUS, LAZARUS, SPEARPHISHING, attack_bundle_20
from tests.intel.stix_factories import make_hub


def by_id(objects: list[object]) -> dict[str, dict[str, Any]]:
    return {str(item["id"]): item for item in objects if isinstance(item, dict)}


def test_a_stix20_bundle_is_stepped_to_21_by_the_elevator_keeping_attack_properties() -> None:
    original = by_id(attack_bundle_20()["objects"])
    document = read_document(json.dumps(attack_bundle_20()).encode())
    assert document.kind == "attack" and document.format_key == "attack20"
    assert document.converted_by == "stix2-elevator 4.1.7" and document.not_converted == []
    stepped = by_id(document.objects)
    assert set(stepped) == set(original)
    assert {item["spec_version"] for item in stepped.values()} == {"2.1"}
    malware = stepped[APPLEJEUS]
    assert (
        malware["malware_types"] == ["malware"] and malware["is_family"] is False and "labels" not in malware
    )
    technique = stepped[SPEARPHISHING]
    # The elevator's stepper would cut "x_elevator_"'s length off these (x_mitre_version → "rsion").
    for name in ("x_mitre_version", "x_mitre_platforms", "x_mitre_is_subtechnique", "x_mitre_data_sources"):
        assert technique[name] == original[SPEARPHISHING][name]
    assert technique["kill_chain_phases"] == original[SPEARPHISHING]["kill_chain_phases"]
    assert technique["external_references"] == original[SPEARPHISHING]["external_references"]
    relationship = next(item for item in stepped.values() if item["type"] == "relationship")
    assert (relationship["source_ref"], relationship["target_ref"]) == (LAZARUS, SPEARPHISHING)
    # Valid STIX 2.1 for the OASIS validator and for the stix2 library.
    assert [problem(item) for item in document.objects] == [None] * len(document.objects)
    for identifier, item in stepped.items():
        assert stix2.parse(item, allow_custom=True, version="2.1")["id"] == identifier


def test_a_stix21_bundle_is_not_converted() -> None:
    bundle = attack_bundle_20()
    bundle.pop("spec_version")
    document = read_document(json.dumps(bundle).encode())
    assert document.converted_by is None and document.format_key == "attack"
    assert all("spec_version" not in item for item in document.objects if isinstance(item, dict))


def test_the_stepped_attack_bundle_is_stored_whole(session_factory: sessionmaker[Session]) -> None:
    make_hub(session_factory)
    objects = read_document(json.dumps(attack_bundle_20()).encode()).objects
    with transaction(session_factory) as session:
        status = import_objects(session, "crypto", "crypto-isac", objects, actor=Actor.console())
        assert (status.success_count, status.new_count, status.failure_count) == (7, 7, 0), status.failures
