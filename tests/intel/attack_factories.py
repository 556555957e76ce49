"""Small files shaped like real exports: MITRE ATT&CK Enterprise, OpenCTI and MISP (no network here)."""

from __future__ import annotations

from typing import Any

LAZARUS = "intrusion-set--c93fccb1-e8e8-42cf-ae33-2ad1d183913a"
TRADER_TRAITOR = "attack-pattern--a62a8db3-f23a-4d8f-afd6-9dbc77e7813b"
MITRE_IDENTITY = "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5"
MITRE_MARKING = "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"


def attack_bundle() -> dict[str, Any]:
    """An ATT&CK-Enterprise-shaped bundle: identity, marking, tactic, technique, group, relationship."""
    common = {
        "spec_version": "2.1",
        "created": "2017-05-31T21:31:00.000Z",
        "modified": "2025-04-15T19:58:00.000Z",
        "created_by_ref": MITRE_IDENTITY,
        "object_marking_refs": [MITRE_MARKING],
        "x_mitre_version": "4.1",
        "x_mitre_domains": ["enterprise-attack"],
    }
    return {
        "type": "bundle",
        "id": "bundle--5c7e6d0e-5e0d-4d8f-9a8c-2c8f0e7f5a11",
        "objects": [
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": MITRE_IDENTITY,
                "created": "2017-06-01T00:00:00.000Z",
                "modified": "2017-06-01T00:00:00.000Z",
                "name": "The MITRE Corporation",
                "identity_class": "organization",
            },
            {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": MITRE_MARKING,
                "created": "2017-06-01T00:00:00.000Z",
                "definition_type": "statement",
                "definition": {"statement": "Copyright 2015-2025, The MITRE Corporation."},
            },
            {
                **common,
                "type": "x-mitre-tactic",
                "id": "x-mitre-tactic--2558fd61-8c75-4730-94c4-11926db2a263",
                "name": "Initial Access",
                "x_mitre_shortname": "initial-access",
            },
            {
                **common,
                "type": "attack-pattern",
                "id": TRADER_TRAITOR,
                "name": "Spearphishing via Service",
                "description": "Fake recruiters deliver trojanised trading applications.",
                "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
                "external_references": [{"source_name": "mitre-attack", "external_id": "T1566.003"}],
            },
            {
                **common,
                "type": "intrusion-set",
                "id": LAZARUS,
                "name": "Lazarus Group",
                "aliases": ["Lazarus Group", "TraderTraitor", "APT38"],
                "external_references": [{"source_name": "mitre-attack", "external_id": "G0032"}],
            },
            {
                **common,
                "type": "relationship",
                "id": "relationship--0b9a4b5b-8f3c-4b9e-9a6e-1c2d3e4f5a6b",
                "relationship_type": "uses",
                "source_ref": LAZARUS,
                "target_ref": TRADER_TRAITOR,
            },
        ],
    }


def opencti_bundle() -> dict[str, Any]:
    """An OpenCTI export: a STIX 2.1 bundle whose objects carry ``x_opencti_*`` properties."""
    return {
        "type": "bundle",
        "id": "bundle--0f3c6f0e-6b7a-4d5e-8f9a-0b1c2d3e4f50",
        "objects": [
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--7d1f4c3e-2b5a-4e6f-8a9b-0c1d2e3f4a5b",
                "created": "2026-10-01T00:00:00.000Z",
                "modified": "2026-10-01T00:00:00.000Z",
                "name": "bybit-wallet-drainer.example",
                "pattern": "[domain-name:value = 'bybit-wallet-drainer.example']",
                "pattern_type": "stix",
                "valid_from": "2026-10-01T00:00:00.000Z",
                "x_opencti_score": 90,
                "x_opencti_main_observable_type": "Domain-Name",
            },
            {"type": "indicator", "id": "indicator--broken"},
        ],
    }


def misp_event() -> dict[str, Any]:
    """A MISP event export with a phishing domain, a hash, a BTC address, a coin-address object, TLP tag."""
    return {
        "Event": {
            "uuid": "5e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "info": "Fake recruiter campaign against exchange engineers",
            "date": "2026-10-20",
            "timestamp": "1792000000",
            "Tag": [{"name": "tlp:green"}, {"name": 'misp-galaxy:threat-actor="Lazarus Group"'}],
            "Attribute": [
                {
                    "uuid": "0a1b2c3d-0000-4000-8000-000000000001",
                    "type": "domain",
                    "value": "careers-crypto.example",
                    "to_ids": True,
                },
                {
                    "uuid": "0a1b2c3d-0000-4000-8000-000000000002",
                    "type": "sha256",
                    "value": "a" * 64,
                    "to_ids": True,
                },
                {
                    "uuid": "0a1b2c3d-0000-4000-8000-000000000003",
                    "type": "btc",
                    "value": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
                    "to_ids": True,
                },
                {
                    "uuid": "0a1b2c3d-0000-4000-8000-000000000004",
                    "type": "comment",
                    "value": "not an indicator",
                    "to_ids": False,
                },
            ],
            "Object": [
                {
                    "name": "coin-address",
                    "Attribute": [
                        {
                            "object_relation": "address",
                            "type": "btc",
                            "value": "0x" + "ab" * 20,
                            "uuid": "0a1b2c3d-0000-4000-8000-000000000005",
                        },
                        {"object_relation": "symbol", "type": "text", "value": "ETH"},
                    ],
                }
            ],
        }
    }


ENTERPRISE_TACTIC = "x-mitre-tactic--ffd5bcee-6e16-4dd2-8eca-7b3beedf33ca"
SPEARPHISHING = "attack-pattern--a62a8db3-f23a-4d8f-afd6-9dbc77e7813b"
APPLEJEUS = "malware--e2d34c63-6f5a-41f5-86a2-e2380f27f858"


def attack_bundle_20() -> dict[str, Any]:
    """A bundle shaped like ATT&CK Enterprise in mitre/cti, which is STIX 2.0: ``spec_version`` on the
    bundle only, ``labels`` on malware, ``x_mitre_*`` properties, external references and
    ``kill_chain_phases`` as ATT&CK writes them, a relationship from the group to the technique."""
    common = {
        "created": "2018-04-18T17:59:24.739Z",
        "modified": "2023-03-30T21:01:41.385Z",
        "created_by_ref": MITRE_IDENTITY,
        "object_marking_refs": [MITRE_MARKING],
        "x_mitre_version": "2.2",
        "x_mitre_domains": ["enterprise-attack"],
        "x_mitre_modified_by_ref": MITRE_IDENTITY,
    }
    return {
        "type": "bundle",
        "id": "bundle--9a2b1c0d-8e7f-4a6b-9c5d-4e3f2a1b0c9d",
        "spec_version": "2.0",
        "objects": [
            {
                "type": "identity",
                "id": MITRE_IDENTITY,
                "created": "2017-06-01T00:00:00.000Z",
                "modified": "2017-06-01T00:00:00.000Z",
                "name": "The MITRE Corporation",
                "identity_class": "organization",
                "object_marking_refs": [MITRE_MARKING],
            },
            {
                "type": "marking-definition",
                "id": MITRE_MARKING,
                "created": "2017-06-01T00:00:00.000Z",
                "definition_type": "statement",
                "definition": {"statement": "Copyright 2015-2025, The MITRE Corporation."},
            },
            {
                **common,
                "type": "x-mitre-tactic",
                "id": ENTERPRISE_TACTIC,
                "name": "Initial Access",
                "description": "The adversary is trying to get into your network.",
                "external_references": [
                    {
                        "external_id": "TA0001",
                        "url": "https://attack.mitre.org/tactics/TA0001",
                        "source_name": "mitre-attack",
                    }
                ],
                "x_mitre_shortname": "initial-access",
            },
            {
                **common,
                "type": "attack-pattern",
                "id": SPEARPHISHING,
                "name": "Spearphishing via Service",
                "description": "Adversaries may send spearphishing messages via third-party services.",
                "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
                "external_references": [
                    {
                        "source_name": "mitre-attack",
                        "external_id": "T1566.003",
                        "url": "https://attack.mitre.org/techniques/T1566/003",
                    },
                    {
                        "source_name": "Lookout Dark Caracal Jan 2018",
                        "url": "https://info.lookout.com/rs/051-ESQ-475/images/Lookout_Dark-Caracal_srr_20180118_us_v.1.0.pdf",
                        "description": "Blaich, A., et al. (2018, January 18). Dark Caracal.",
                    },
                ],
                "x_mitre_is_subtechnique": True,
                "x_mitre_platforms": ["Linux", "macOS", "Windows"],
                "x_mitre_detection": "Monitor social media traffic for known malicious files.",
                "x_mitre_data_sources": ["Application Log: Application Log Content"],
            },
            {
                **common,
                "type": "intrusion-set",
                "id": LAZARUS,
                "name": "Lazarus Group",
                "aliases": ["Lazarus Group", "Labyrinth Chollima", "HIDDEN COBRA", "TraderTraitor"],
                "description": "North Korean state-sponsored cyber threat group.",
                "external_references": [
                    {
                        "source_name": "mitre-attack",
                        "external_id": "G0032",
                        "url": "https://attack.mitre.org/groups/G0032",
                    }
                ],
                "x_mitre_contributors": ["Kyaw Pyiyt Htet, @KyawPyiytHtet"],
            },
            {
                **common,
                "type": "malware",
                "id": APPLEJEUS,
                "name": "AppleJeus",
                "labels": ["malware"],
                "description": "AppleJeus is a family of downloaders used by the Lazarus Group.",
                "external_references": [{"source_name": "mitre-attack", "external_id": "S0584"}],
                "x_mitre_aliases": ["AppleJeus"],
                "x_mitre_platforms": ["Windows", "macOS"],
            },
            {
                "type": "relationship",
                "id": "relationship--8e7f6a5b-4c3d-4b2a-9e1f-0a9b8c7d6e5f",
                "created": "2022-03-10T18:52:37.251Z",
                "modified": "2022-03-10T18:52:37.251Z",
                "created_by_ref": MITRE_IDENTITY,
                "object_marking_refs": [MITRE_MARKING],
                "relationship_type": "uses",
                "source_ref": LAZARUS,
                "target_ref": SPEARPHISHING,
                "description": "Lazarus Group has used fake job offers through LinkedIn.",
                "external_references": [
                    {"source_name": "ClearSky Lazarus Aug 2020", "url": "https://www.clearskysec.com/"}
                ],
                "x_mitre_version": "0.1",
                "x_mitre_domains": ["enterprise-attack"],
            },
        ],
    }


def misp_composite_event() -> dict[str, Any]:
    """A MISP event with the composite attribute types MISP writes as ``left|right`` (and a few that
    cannot become STIX patterns)."""
    sha = "b" * 64
    attributes = [
        ("filename|sha256", f"TradingApp.dmg|{sha}", True),
        ("filename|md5", "setup.exe|" + "c" * 32, True),
        ("ip-dst|port", "198.51.100.7|443", True),
        ("ip-src|port", "2001:db8::5|8443", True),
        ("domain|ip", "wallet-verify.example|203.0.113.44", True),
        ("hostname|port", "rpc.fake-node.example|8545", True),
        ("filename|sha224", "a.bin|" + "d" * 56, True),  # no STIX 2.1 hash algorithm
        ("ip-dst|port", "198.51.100.8|not-a-port", True),
        ("vulnerability", "CVE-2024-0001", True),  # no pattern for it
        ("domain", "shown-not-for-ids.example", False),
    ]
    return {
        "Event": {
            "uuid": "6f2c3d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            "info": "Fake node operators",
            "date": "2026-11-02",
            "timestamp": "1793000000",
            "Tag": [{"name": "tlp:amber"}],
            "Attribute": [
                {
                    "uuid": f"1b2c3d4e-0000-4000-8000-{index:012d}",
                    "type": kind,
                    "value": value,
                    "to_ids": to_ids,
                }
                for index, (kind, value, to_ids) in enumerate(attributes)
            ],
        }
    }
