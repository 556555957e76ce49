"""OSCAL mapping collections for tests, shaped like those NIST publishes (OSCAL 1.2 control
mapping model: one mapping between a source and a target resource, one ``map`` per related pair)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from tests.factories import metadata

NAMESPACE = uuid.UUID("5e1d2c3b-4a59-4f6e-8d7c-6b5a49382716")


def _uuid(text: str) -> str:
    return str(uuid.uuid5(NAMESPACE, text))


def mapping_collection(
    pairs: Iterable[tuple[str, str, str]],
    *,
    title: str = "SP 800-53-shaped catalog to NIST CSF 2.0",
    reversed_sides: bool = False,
    target_title: str = "NIST Cybersecurity Framework (CSF) 2.0",
    name: str = "collection",
) -> dict[str, Any]:
    """``pairs``: (control id-ref, other id-ref, relationship). ``reversed_sides`` puts the other
    framework on the source side, as a collection published from CSF 2.0 to a catalog would."""
    ours, theirs = _uuid(f"{name}:ours"), _uuid(f"{name}:theirs")
    maps = []
    for index, (control_id, other_id, relationship) in enumerate(pairs):
        mine = [{"type": "control", "id-ref": control_id}]
        other = [{"type": "control", "id-ref": other_id}]
        maps.append(
            {
                "uuid": _uuid(f"{name}:map:{index}"),
                "relationship": relationship,
                "sources": other if reversed_sides else mine,
                "targets": mine if reversed_sides else other,
            }
        )
    source, target = (theirs, ours) if reversed_sides else (ours, theirs)
    body = metadata(title, "1.0")
    body["oscal-version"] = "1.2.1"
    return {
        "mapping-collection": {
            "uuid": _uuid(name),
            "metadata": body,
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "complete",
                "mapping-description": "Test crosswalk.",
            },
            "mappings": [
                {
                    "uuid": _uuid(f"{name}:mapping"),
                    "source-resource": {"type": "catalog", "href": f"#{source}"},
                    "target-resource": {"type": "catalog", "href": f"#{target}"},
                    "maps": maps,
                }
            ],
            "back-matter": {
                "resources": [
                    {"uuid": ours, "title": "SP 800-53-shaped catalog"},
                    {"uuid": theirs, "title": target_title},
                ]
            },
        }
    }
