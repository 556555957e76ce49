"""Real-shaped STIX 2.1 corpora for the differential tests against stix2-validator.

* the OASIS examples shipped inside the stix2-validator package (``schemas-2.1/examples``);
* objects shaped like MITRE ATT&CK Enterprise and ICS in STIX 2.1 (``attack-stix-data``): techniques
  and sub-techniques with kill chain phases and ``mitre-attack`` references, groups, software,
  mitigations, tactics, matrices, data sources and components, campaigns, relationships;
* bundles shaped like OpenCTI exports: identities, TLP 2.0 markings, indicators with
  ``x_opencti_*`` properties and property extensions, observables, reports, notes, sightings,
  vulnerabilities, locations;
* mutations of all of these: each property removed, or replaced by a value of the wrong kind, and
  the faults feeds really carry (bad timestamps, leap seconds, impossible dates, broken patterns,
  bad hashes, wrong reference types, bad custom property names).
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stix2validator import validator as library

from cyberdelta.intel.tlp import Tlp, marking_definition
from tests.intel.attack_factories import attack_bundle, opencti_bundle

EXAMPLES = Path(library.__file__).parent / "schemas-2.1" / "examples"


def _id(kind: str, *seed: object) -> str:
    return f"{kind}--{uuid.uuid5(uuid.NAMESPACE_URL, '/'.join(map(str, (kind, *seed))))}"


def oasis_examples() -> list[dict[str, Any]]:
    """Every object of every example file of the installed stix2-validator."""
    found: list[dict[str, Any]] = []
    for path in sorted(EXAMPLES.rglob("*.json")):
        document = json.loads(path.read_text())
        found.extend(document.get("objects", []) if document.get("type") == "bundle" else [document])
    return found


MITRE = "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5"
MITRE_MARKING = "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"


def _mitre(kind: str, number: int, domain: str, **properties: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": _id(kind, domain, number),
        "created": "2017-05-31T21:31:00.000Z",
        "modified": f"2025-04-{(number % 28) + 1:02d}T19:58:00.{number % 1000:03d}Z",
        "created_by_ref": MITRE,
        "object_marking_refs": [MITRE_MARKING],
        "revoked": False,
        "x_mitre_version": f"{number % 5 + 1}.{number % 3}",
        "x_mitre_attack_spec_version": "3.2.0",
        "x_mitre_modified_by_ref": MITRE,
        "x_mitre_domains": [domain],
        **properties,
    }


def attack_objects(domain: str = "enterprise-attack", count: int = 12) -> list[dict[str, Any]]:
    """ATT&CK-shaped objects of one domain (``enterprise-attack`` or ``ics-attack``)."""
    tactics = ["initial-access", "execution", "persistence", "collection", "impact"]
    objects: list[dict[str, Any]] = [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": MITRE,
            "created": "2017-06-01T00:00:00.000Z",
            "modified": "2017-06-01T00:00:00.000Z",
            "name": "The MITRE Corporation",
            "identity_class": "organization",
            "object_marking_refs": [MITRE_MARKING],
        },
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": MITRE_MARKING,
            "created": "2017-06-01T00:00:00.000Z",
            "definition_type": "statement",
            "definition": {"statement": "Copyright 2015-2025, The MITRE Corporation."},
        },
    ]
    prefix = "T0" if domain == "ics-attack" else "T1"
    for number in range(count):
        technique = f"{prefix}{100 + number}"
        url = f"https://attack.mitre.org/techniques/{technique}"
        objects.append(
            _mitre(
                "attack-pattern",
                number,
                domain,
                name=f"Technique {number}",
                description="Adversaries may abuse trading software.\n\nMore text.",
                kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": tactics[number % 5]}],
                external_references=[
                    {"source_name": "mitre-attack", "external_id": technique, "url": url},
                    {
                        "source_name": "Vendor report",
                        "description": "A report.",
                        "url": "https://example.com/r",
                    },
                ],
                x_mitre_platforms=["Windows", "macOS", "Linux"],
                x_mitre_is_subtechnique=number % 2 == 1,
                x_mitre_detection="Monitor process creation.",
                x_mitre_data_sources=["Process: Process Creation"],
            )
        )
    for number in range(count // 3):
        objects.append(
            _mitre(
                "intrusion-set",
                number,
                domain,
                name=f"Group {number}",
                aliases=[f"Group {number}", f"Alias{number}"],
                first_seen="2014-01-01T00:00:00.000Z",
                last_seen="2025-01-01T00:00:00.000Z",
                external_references=[{"source_name": "mitre-attack", "external_id": f"G{number:04d}"}],
            )
        )
        objects.append(
            _mitre(
                "malware",
                number,
                domain,
                name=f"Malware {number}",
                is_family=True,
                x_mitre_aliases=[f"Malware {number}"],
                x_mitre_platforms=["Windows"],
                external_references=[{"source_name": "mitre-attack", "external_id": f"S{number:04d}"}],
            )
        )
        objects.append(_mitre("tool", number, domain, name=f"Tool {number}", x_mitre_aliases=["t"]))
        objects.append(_mitre("course-of-action", number, domain, name=f"Mitigation {number}"))
        objects.append(
            _mitre(
                "campaign",
                number,
                domain,
                name=f"Campaign {number}",
                first_seen="2022-01-01T00:00:00.000Z",
                last_seen="2023-06-01T00:00:00.000Z",
                x_mitre_first_seen_citation="(Citation: Report)",
            )
        )
        objects.append(
            _mitre(
                "x-mitre-tactic",
                number,
                domain,
                name=tactics[number % 5].title(),
                x_mitre_shortname=tactics[number % 5],
            )
        )
        objects.append(
            _mitre(
                "x-mitre-data-component",
                number,
                domain,
                name="Process Creation",
                x_mitre_data_source_ref=_id("x-mitre-data-source", domain, number),
            )
        )
        objects.append(
            _mitre("x-mitre-data-source", number, domain, name="Process", x_mitre_collection_layers=["Host"])
        )
    patterns = [item for item in objects if item["type"] == "attack-pattern"]
    groups = [item for item in objects if item["type"] == "intrusion-set"]
    mitigations = [item for item in objects if item["type"] == "course-of-action"]
    objects.append(
        _mitre(
            "x-mitre-matrix",
            0,
            domain,
            name="Matrix",
            tactic_refs=[item["id"] for item in objects if item["type"] == "x-mitre-tactic"],
        )
    )
    for number, group in enumerate(groups):
        kinds = [("uses", patterns[number]), ("mitigates", patterns[number + 1])]
        for relationship_type, target in kinds:
            source = group if relationship_type == "uses" else mitigations[number]
            objects.append(
                _mitre(
                    "relationship",
                    number * 10 + len(relationship_type),
                    domain,
                    relationship_type=relationship_type,
                    source_ref=source["id"],
                    target_ref=target["id"],
                    description="[Group](https://attack.mitre.org/groups/G0001) used it.",
                )
            )
    objects.append(
        _mitre(
            "relationship",
            999,
            domain,
            relationship_type="subtechnique-of",
            source_ref=patterns[1]["id"],
            target_ref=patterns[0]["id"],
        )
    )
    return objects


OPENCTI = "identity--8cb00c79-ab20-5ed4-b37d-337241b96a29"
EXTENSION = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
OBSERVABLES: list[tuple[str, str, str]] = [
    ("ipv4-addr", "value", "203.0.113.{n}"),
    ("ipv6-addr", "value", "2001:db8::{n}"),
    ("domain-name", "value", "exchange-{n}.example.com"),
    ("url", "value", "https://phish-{n}.example.com/login"),
    ("email-addr", "value", "recruiter{n}@example.com"),
    ("x-crypto-wallet-address", "value", "0x{n:040x}"),
]


def _opencti(kind: str, number: int, **properties: Any) -> dict[str, Any]:
    stamp = f"2026-10-{(number % 28) + 1:02d}T08:{number % 60:02d}:12.{number % 1000:03d}Z"
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": _id(kind, "opencti", number),
        "created": stamp,
        "modified": stamp,
        "created_by_ref": OPENCTI,
        "object_marking_refs": [marking_definition(Tlp.AMBER)["id"]],
        "confidence": 75,
        "lang": "en",
        "labels": ["lazarus", "crypto-theft"],
        **properties,
    }


def opencti_objects(count: int = 12) -> list[dict[str, Any]]:
    """Objects shaped like an OpenCTI export bundle."""
    objects: list[dict[str, Any]] = [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": OPENCTI,
            "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "name": "Crypto ISAC",
            "identity_class": "organization",
            "extensions": {
                EXTENSION: {"extension_type": "property-extension", "x_opencti_type": "Organization"}
            },
        },
        *(marking_definition(level) for level in Tlp),
    ]
    for number in range(count):
        kind, name, form = OBSERVABLES[number % len(OBSERVABLES)]
        value = form.format(n=number)
        observable = {
            "type": kind,
            "spec_version": "2.1",
            "id": _id(kind, value),
            name: value,
            "object_marking_refs": [marking_definition(Tlp.GREEN)["id"]],
            "extensions": {
                EXTENSION: {
                    "extension_type": "property-extension",
                    "score": 50 + number,
                    "created_by_ref": OPENCTI,
                    "labels": ["phishing"],
                }
            },
        }
        digest = f"{number:064x}"
        pattern = f"[{kind}:{name} = '{value}']"
        if number % 4 == 3:
            pattern = f"[file:hashes.'SHA-256' = '{digest}' OR file:hashes.MD5 = '{digest[:32]}']"
        indicator = _opencti(
            "indicator",
            number,
            name=value,
            description="Seen in a **TraderTraitor** campaign.",
            pattern=pattern,
            pattern_type="stix",
            pattern_version="2.1",
            valid_from="2026-10-01T00:00:00.000Z",
            valid_until="2027-10-01T00:00:00.000Z",
            indicator_types=["malicious-activity"],
            kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
            external_references=[{"source_name": "ISAC bulletin", "url": f"https://isac.example/b/{number}"}],
            x_opencti_score=80,
            x_opencti_detection=True,
            x_opencti_main_observable_type=kind,
            extensions={EXTENSION: {"extension_type": "property-extension", "score": 80, "detection": True}},
        )
        objects.extend(
            [
                observable,
                indicator,
                _opencti(
                    "relationship",
                    number,
                    relationship_type="based-on",
                    source_ref=indicator["id"],
                    target_ref=observable["id"],
                    start_time="2026-10-01T00:00:00.000Z",
                    stop_time="2026-11-01T00:00:00.000Z",
                ),
                _opencti(
                    "sighting",
                    number,
                    sighting_of_ref=indicator["id"],
                    where_sighted_refs=[OPENCTI],
                    count=number + 1,
                    first_seen="2026-10-02T00:00:00.000Z",
                    last_seen="2026-10-03T00:00:00.000Z",
                    x_opencti_negative=False,
                ),
            ]
        )
    file_observable = {
        "type": "file",
        "spec_version": "2.1",
        "id": _id("file", "opencti"),
        "name": "TradingApp.dmg",
        "size": 1048576,
        "hashes": {"SHA-256": "a" * 64, "MD5": "b" * 32},
        "mime_type": "application/x-apple-diskimage",
    }
    indicators = [item["id"] for item in objects if item["type"] == "indicator"]
    objects.extend(
        [
            file_observable,
            _opencti(
                "report",
                0,
                name="Lazarus targets exchanges",
                published="2026-10-05T00:00:00.000Z",
                report_types=["threat-report"],
                object_refs=indicators,
            ),
            _opencti("note", 0, content="Confirmed by two members.", object_refs=indicators[:2]),
            _opencti(
                "vulnerability",
                0,
                name="CVE-2026-12345",
                external_references=[{"source_name": "cve", "external_id": "CVE-2026-12345"}],
            ),
            _opencti("location", 0, name="Japan", country="JP", region="eastern-asia"),
            _opencti(
                "threat-actor",
                0,
                name="TraderTraitor",
                threat_actor_types=["nation-state"],
                aliases=["Jade Sleet"],
            ),
            _opencti("malware", 0, name="AppleJeus", is_family=True, malware_types=["trojan"]),
        ]
    )
    return objects


def factory_objects() -> list[dict[str, Any]]:
    """The objects of the ATT&CK and OpenCTI bundles of ``tests/intel/attack_factories.py``."""
    return [*attack_bundle()["objects"], *opencti_bundle()["objects"]]


def valid_corpus() -> list[dict[str, Any]]:
    return [
        *oasis_examples(),
        *attack_objects("enterprise-attack"),
        *attack_objects("ics-attack", 6),
        *opencti_objects(),
        *factory_objects(),
    ]


JUNK: list[object] = [None, 7, "x", [], {}, True, ["x"], "2026-02-30T00:00:00.000Z"]
FAULTS: list[tuple[str, object]] = [
    ("modified", "2026-10-01T09:00:60.000Z"),
    ("modified", "2026-02-30T00:00:00.000Z"),
    ("modified", "0000-01-01T00:00:00.000Z"),
    ("modified", "2026-10-01T09:00:00.1234567Z"),
    ("modified", "2026-10-01 09:00"),
    ("modified", "2000-01-01T00:00:00Z"),
    ("created", "2099-01-01T00:00:00.000Z"),
    ("valid_until", "2000-01-01T00:00:00.000Z"),
    ("valid_until", "2026-10-01T00:00:00Z"),
    ("last_seen", "2000-01-01T00:00:00.000Z"),
    ("stop_time", "2000-01-01T00:00:00.000Z"),
    ("id", "indicator--not-a-uuid"),
    ("created_by_ref", "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
    ("object_marking_refs", ["marking-definition--x"]),
    ("lang", "klingon"),
    ("Bad_Property", 1),
    ("x", 1),
    ("spec_version", "2.0"),
    ("pattern", "[ipv4-addr:value = '203.0.113.1'"),
    ("pattern", "[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS WITHIN 6 SECONDS"),
    ("pattern", "[file:hashes.MD5 = 'not-a-hash']"),
    ("pattern", "[file:hashes.'SHA-256' = 'abc']"),
    ("pattern", "[Bad_Type:value = '1']"),
    ("pattern", "[ipv4-addr:Value = '1']"),
    ("pattern", "[AND:value = '1']"),
    ("pattern", "[ipv4-addr:value = '1'] FOLLOWEDBY"),
    ("pattern", "[ipv4-addr:value == '1']"),
    ("pattern", "[ipv4-addr:value = 'a\\b']"),
    ("pattern", "ipv4-addr:value = '1'"),
    ("pattern", "[x-custom-thing:some_value LIKE 'a%'] OR [domain-name:value MATCHES '^x']"),
    ("pattern", "[network-traffic:src_ref.value = '10.0.0.1' AND network-traffic:dst_port > 443]"),
    ("pattern", "[file:extensions.'windows-pebinary-ext'.sections[0].name = 'text']"),
    ("pattern_version", "2.0"),
    ("pattern_type", "sigma"),
    ("external_references", [{"source_name": "cve", "external_id": "CVE-1"}]),
    ("external_references", [{"source_name": "x"}]),
    ("kill_chain_phases", [{"kill_chain_name": "mitre attack", "phase_name": "x"}]),
    ("granular_markings", [{"selectors": ["name", "nope"], "marking_ref": MITRE_MARKING}]),
    ("extensions", {"bad key": {}}),
    ("hashes", {"SHA-256": "zz"}),
    ("is_family", "yes"),
]


def mutations(stix_object: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Broken variants of one object: each property removed or replaced by junk, and the faults."""
    for name in stix_object:
        removed = copy.deepcopy(stix_object)
        del removed[name]
        yield removed
        for number, junk in enumerate(JUNK):
            if (len(name) + number) % 3 == 0:  # a third of the junk per property: enough variety
                yield {**copy.deepcopy(stix_object), name: copy.deepcopy(junk)}
    for name, value in FAULTS:
        if name in stix_object or name in {"Bad_Property", "x", "lang", "granular_markings", "extensions"}:
            yield {**copy.deepcopy(stix_object), name: copy.deepcopy(value)}
