"""Builders of OSCAL catalogs for tests: small hand-made ones and large multi-level ones."""

from __future__ import annotations

import json
import uuid
from typing import Any

NS = "https://cyberdelta.dev/ns/oscal"


def metadata(title: str, version: str) -> dict[str, Any]:
    return {
        "title": title,
        "last-modified": "2026-11-23T00:00:00+00:00",
        "version": version,
        "oscal-version": "1.1.2",
    }


def control(
    identifier: str,
    title: str,
    *,
    statement: str = "",
    children: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    node: dict[str, Any] = {"id": identifier, "title": title}
    node.update(extra)
    if statement:
        node.setdefault("parts", []).append(
            {"id": f"{identifier}_smt", "name": "statement", "prose": statement}
        )
    if children:
        node["controls"] = children
    return node


def small_catalog(version: str = "1.0", title: str = "Small test catalog") -> dict[str, Any]:
    return {
        "catalog": {
            "uuid": "0c9f1d4e-3b2a-4c5d-8e7f-112233445566",
            "metadata": metadata(title, version),
            "groups": [
                {
                    "id": "ac",
                    "class": "family",
                    "title": "Access control",
                    "props": [{"name": "title-ja", "ns": NS, "value": "アクセス管理"}],
                    "controls": [
                        control(
                            "ac-1",
                            "Policy and procedures",
                            statement="Define an access policy.",
                            props=[
                                {"name": "label", "value": "AC-1"},
                                {"name": "title-ja", "ns": NS, "value": "方針と手順"},
                                {"name": "level", "ns": NS, "value": "basic"},
                            ],
                            children=[control("ac-1.1", "Review the policy yearly")],
                        ),
                        control(
                            "ac-2",
                            "Account management",
                            statement="Manage accounts.",
                            links=[{"href": "#ac-1", "rel": "related"}],
                        ),
                    ],
                }
            ],
        }
    }


def large_catalog(
    domains: int = 20,
    areas: int = 5,
    controls_per_area: int = 10,
    enhancements: int = 2,
    version: str = "5.0",
    guidance_words: int = 20,
) -> dict[str, Any]:
    """A catalog shaped like NIST SP 800-53 rev5: families, areas, controls with enhancements,
    parameters, nested statement parts, props and links, in several levels."""
    namespace = uuid.UUID("6f1c0a7e-9d3b-4e21-b5a8-0c1d2e3f4a5b")
    resources = [
        {"uuid": str(uuid.uuid5(namespace, f"resource-{index}")), "title": f"Reference {index}"}
        for index in range(10)
    ]
    groups = []
    for d in range(domains):
        family = f"f{d:02d}"
        subgroups = []
        for a in range(areas):
            area = f"{family}-a{a}"
            members = []
            for c in range(controls_per_area):
                identifier = f"{area}-{c + 1}"
                param = f"{identifier}_prm_1"
                children = [
                    control(
                        f"{identifier}.{e + 1}",
                        f"Enhancement {e + 1} of {identifier}",
                        statement=f"Enhance {identifier} in way {e + 1}.",
                        props=[{"name": "label", "value": f"{identifier.upper()}({e + 1})"}],
                        links=[{"href": f"#{identifier}", "rel": "required"}],
                    )
                    for e in range(enhancements)
                ]
                members.append(
                    {
                        "id": identifier,
                        "class": "SP800-53",
                        "title": f"Control {identifier} — 管理策 {c + 1}",
                        "params": [
                            {
                                "id": param,
                                "label": "organization-defined frequency",
                                "guidelines": [{"prose": "at least annually"}],
                            }
                        ],
                        "props": [
                            {"name": "label", "value": identifier.upper()},
                            {"name": "sort-id", "value": f"{identifier}-{c:03d}"},
                        ],
                        "links": [{"href": f"#{resources[c % 10]['uuid']}", "rel": "reference"}],
                        "parts": [
                            {
                                "id": f"{identifier}_smt",
                                "name": "statement",
                                "parts": [
                                    {
                                        "id": f"{identifier}_smt.a",
                                        "name": "item",
                                        "props": [{"name": "label", "value": "a."}],
                                        "prose": f"Do the thing {{{{ insert: param, {param} }}}}; and",
                                    },
                                    {
                                        "id": f"{identifier}_smt.b",
                                        "name": "item",
                                        "props": [{"name": "label", "value": "b."}],
                                        "prose": "Review the thing.",
                                    },
                                ],
                            },
                            {
                                "id": f"{identifier}_gdn",
                                "name": "guidance",
                                "prose": "Guidance text " * guidance_words,
                            },
                        ],
                        "controls": children,
                    }
                )
            subgroups.append({"id": area, "title": f"Area {area}", "controls": members})
        groups.append({"id": family, "class": "family", "title": f"Family {family}", "groups": subgroups})
    return {
        "catalog": {
            "uuid": str(uuid.uuid5(namespace, f"catalog-{version}")),
            "metadata": metadata("Large generated catalog", version),
            "groups": groups,
            "back-matter": {"resources": resources},
        }
    }


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()
