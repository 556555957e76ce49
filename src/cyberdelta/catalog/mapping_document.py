"""Reading an OSCAL mapping collection and relating it to a stored catalog version.

The model is OSCAL 1.2's ``mapping-collection`` (NIST OSCAL "Control Mapping" model; its
relationships are the set-theory relationships of NIST IR 8477 §4.3: ``equivalent-to``,
``subset-of``, ``superset-of``, ``intersects-with``, ``no-relationship``), validated with
compliance-trestle's model (``trestle.oscal.mapping``). Each ``mappings[i]`` relates a source
resource to a target resource through ``maps``; one side must be the catalog version the
collection is imported for: every ``id-ref`` on that side names one of its controls or one of
their parts (a statement such as ``gv-1.1_smt`` counts for its control). Which side that is is
decided per mapping; when it is the target side, each relationship is read the other way round
(``subset-of`` becomes ``superset-of``). When the other side holds ids of the form of NIST CSF
2.0 subcategories (``GV.OC-01``), every id on it must be one of the 106 subcategories.
Every problem is reported with its JSON path; nothing is stored unless there are none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pydantic
from trestle.oscal.mapping import MappingCollection

from cyberdelta.catalog.csf import canonical, csf_core
from cyberdelta.catalog.errors import CatalogImportError, Problem
from cyberdelta.catalog.oscal_document import parse_bytes, schema_problems
from cyberdelta.catalog.tree import first_prop

ROOT = "mapping-collection"
_ADAPTER = pydantic.TypeAdapter(MappingCollection)
INVERSE = {"subset-of": "superset-of", "superset-of": "subset-of"}


@dataclass(frozen=True)
class Entry:
    control_id: str
    other_id: str
    relationship: str


@dataclass(frozen=True)
class ReadMapping:
    document: dict[str, Any]
    title: str
    title_ja: str | None
    other_side: str
    csf: bool
    entries: list[Entry]


def read_mapping_document(data: bytes, source: str, max_bytes: int) -> dict[str, Any]:
    """Parse and validate an OSCAL mapping collection (JSON or YAML) against trestle's model."""
    document = parse_bytes(data, source, max_bytes, root=ROOT)
    problems = [
        Problem(f"$.{key}", "unexpected top-level key") for key in sorted(set(document) - {ROOT, "$schema"})
    ]
    try:
        _ADAPTER.validate_python(document[ROOT])
    except pydantic.ValidationError as error:
        problems.extend(schema_problems(error.errors(), ROOT))
    if problems:
        raise CatalogImportError(source, problems)
    return document


def _mappings(collection: dict[str, Any]) -> list[dict[str, Any]]:
    found = collection["mappings"]
    return [found] if isinstance(found, dict) else list(found)


def _items(maps: list[dict[str, Any]], side: str, path: str) -> Iterator[tuple[str, str]]:
    for index, entry in enumerate(maps):
        for position, item in enumerate(entry[side]):
            yield f"{path}.maps[{index}].{side}[{position}].id-ref", item["id-ref"]


def _resource_title(collection: dict[str, Any], resource: dict[str, Any]) -> str:
    href = str(resource.get("href", ""))
    if href.startswith("#"):
        for item in (collection.get("back-matter") or {}).get("resources") or []:
            if item.get("uuid") == href[1:]:
                return str(item.get("title") or href)
    return href


def relate(
    document: dict[str, Any], source: str, owners: dict[str, str], catalog_reference: str
) -> ReadMapping:
    """The entries of the collection for the catalog whose control and part ids are ``owners``
    (id → id of the control it belongs to)."""
    collection = document[ROOT]
    core = csf_core()
    problems: list[Problem] = []
    entries: list[Entry] = []
    others: list[str] = []
    csf_sides: list[bool] = []
    for number, mapping in enumerate(_mappings(collection)):
        path = f"$.{ROOT}.mappings" + (f"[{number}]" if isinstance(collection["mappings"], list) else "")
        maps = mapping["maps"]
        sources, targets = list(_items(maps, "sources", path)), list(_items(maps, "targets", path))
        forward = all(ref in owners for _where, ref in sources)
        if not forward and not all(ref in owners for _where, ref in targets):
            problems.extend(
                Problem(
                    where,
                    "no control or part %(id)s in %(catalog)s (one side of a mapping must be this catalog)",
                    {"id": ref, "catalog": catalog_reference},
                )
                for where, ref in sources
                if ref not in owners
            )
            continue
        other_items = targets if forward else sources
        csf = any(canonical(ref) for _where, ref in other_items)
        for where, ref in other_items:
            if csf and core.subcategory(canonical(ref) or "") is None:
                problems.append(Problem(where, "%(id)s is not a NIST CSF 2.0 subcategory", {"id": ref}))
        csf_sides.append(csf)
        others.append(
            _resource_title(collection, mapping["target-resource" if forward else "source-resource"])
        )
        for entry in maps:
            relationship = str(entry["relationship"])
            ours, theirs = (
                (entry["sources"], entry["targets"]) if forward else (entry["targets"], entry["sources"])
            )
            if not forward:
                relationship = INVERSE.get(relationship, relationship)
            for mine in ours:
                for other in theirs:
                    other_id = (canonical(other["id-ref"]) or other["id-ref"]) if csf else other["id-ref"]
                    entries.append(Entry(owners[mine["id-ref"]], other_id, relationship))
    if problems:
        raise CatalogImportError(source, problems)
    metadata = collection["metadata"]
    return ReadMapping(
        document=document,
        title=str(metadata["title"]),
        title_ja=first_prop(metadata, "title-ja"),
        other_side=", ".join(dict.fromkeys(others)),
        csf=any(csf_sides),
        entries=list(dict.fromkeys(entries)),
    )
