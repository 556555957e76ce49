"""Catalogs shaped like NIST SP 800-53 rev5 and the baselines published from it.

``full_catalog`` has families of controls with enhancements; each control has an assignment
parameter inserted in its lettered statement items (``a.``, ``b.``), guidance, and ``related``
links to other controls of its family, as the published catalog has. ``resolved_baseline`` keeps
only the selected controls, as a profile resolved per the OSCAL profile resolution specification
does: the links stay as they were, so many point at controls that are not in the baseline.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from tests.factories import metadata

FAMILIES = ("ac", "at", "au", "ca", "cm", "cp", "ia", "ir", "ma", "mp", "pe", "pl", "ps", "ra", "sa", "sc")
NAMESPACE = uuid.UUID("0b6a4f5e-1c2d-4e3f-9a8b-7c6d5e4f3a2b")


def _control(family: str, number: int, controls_per_family: int, enhancements: int) -> dict[str, Any]:
    identifier = f"{family}-{number}"
    param = f"{identifier}_prm_1"
    related = [f"{family}-{other}" for other in range(1, controls_per_family + 1) if other != number][:4]
    return {
        "id": identifier,
        "class": "SP800-53",
        "title": f"{family.upper()} control {number}",
        "params": [{"id": param, "label": "organization-defined frequency", "values": ["annually"]}],
        "props": [
            {"name": "label", "value": identifier.upper()},
            {"name": "sort-id", "value": f"{family}-{number:02d}"},
        ],
        "links": [{"href": f"#{target}", "rel": "related"} for target in related],
        "parts": [
            {
                "id": f"{identifier}_smt",
                "name": "statement",
                "parts": [
                    {
                        "id": f"{identifier}_smt.a",
                        "name": "item",
                        "props": [{"name": "label", "value": "a."}],
                        "prose": f"Review the {family.upper()} policy {{{{ insert: param, {param} }}}}; and",
                    },
                    {
                        "id": f"{identifier}_smt.b",
                        "name": "item",
                        "props": [{"name": "label", "value": "b."}],
                        "prose": "Update it after incidents.",
                    },
                ],
            },
            {"id": f"{identifier}_gdn", "name": "guidance", "prose": f"Guidance for {identifier}."},
        ],
        "controls": [
            {
                "id": f"{identifier}.{e}",
                "class": "SP800-53-enhancement",
                "title": f"{identifier.upper()} enhancement {e}",
                "props": [{"name": "label", "value": f"{identifier.upper()}({e})"}],
                "links": [{"href": f"#{identifier}", "rel": "required"}],
                "parts": [
                    {
                        "id": f"{identifier}.{e}_smt",
                        "name": "statement",
                        "prose": f"Strengthen {identifier} in way {e}.",
                    }
                ],
            }
            for e in range(1, enhancements + 1)
        ],
    }


def full_catalog(
    controls_per_family: int = 20, enhancements: int = 3, version: str = "5.1.1"
) -> dict[str, Any]:
    """16 families × ``controls_per_family`` controls, each with ``enhancements`` enhancements."""
    return {
        "catalog": {
            "uuid": str(uuid.uuid5(NAMESPACE, f"catalog-{version}")),
            "metadata": metadata("SP 800-53-shaped catalog", version),
            "groups": [
                {
                    "id": family,
                    "class": "family",
                    "title": f"Family {family.upper()}",
                    "controls": [
                        _control(family, number, controls_per_family, enhancements)
                        for number in range(1, controls_per_family + 1)
                    ],
                }
                for family in FAMILIES
            ],
        }
    }


def low_baseline(identifier: str) -> bool:
    """Odd-numbered base controls and their first enhancement: about half of the catalog."""
    base, _dot, enhancement = identifier.partition(".")
    return int(base.rsplit("-", 1)[1]) % 2 == 1 and enhancement in ("", "1")


def resolved_baseline(
    source: dict[str, Any], selected: Callable[[str], bool], title: str, version: str
) -> dict[str, Any]:
    """The catalog a resolved profile yields: unselected controls dropped, links untouched."""
    document = copy.deepcopy(source)
    catalog = document["catalog"]
    catalog["uuid"] = str(uuid.uuid5(NAMESPACE, f"{title}-{version}"))
    catalog["metadata"] = metadata(title, version)

    def keep(controls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = []
        for node in controls:
            if not selected(node["id"]):
                continue
            children = keep(node.get("controls") or [])
            if children:
                node["controls"] = children
            else:
                node.pop("controls", None)
            kept.append(node)
        return kept

    for group in catalog["groups"]:
        group["controls"] = keep(group["controls"])
    return document


def count_controls(document: dict[str, Any]) -> int:
    def count(nodes: list[dict[str, Any]]) -> int:
        return sum(1 + count(node.get("controls") or []) for node in nodes)

    return sum(count(group.get("controls") or []) for group in document["catalog"]["groups"])
