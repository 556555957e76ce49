"""Between the OSCAL catalog tree and flat rows: what is extracted for search and display.

Conventions of the CyberDelta namespace (``NS``), used by the built-in catalog and understood in
any imported catalog: ``title-ja`` prop (Japanese title), ``statement-ja`` / ``guidance-ja``
parts, ``level`` (basic/desirable), ``weight``, ``csf-2.0`` (NIST CSF 2.0 subcategory),
``tag`` and ``seed`` props. Catalogs without them still import; their text is English only.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cyberdelta.platform.i18n import fold

NS = "https://cyberdelta.dev/ns/oscal"
CHILD_KEYS = ("groups", "controls")


@dataclass
class GroupRow:
    key: int
    parent_key: int | None
    position: int
    depth: int
    oscal_id: str | None
    group_class: str | None
    title: str
    title_ja: str | None
    label: str | None
    body: dict[str, Any]


@dataclass
class ControlRow:
    key: int
    group_key: int | None
    parent_key: int | None
    position: int
    depth: int
    oscal_id: str
    control_class: str | None
    label: str | None
    title: str
    title_ja: str | None
    statement: str
    statement_ja: str | None
    guidance: str
    guidance_ja: str | None
    level: str | None
    weight: float
    search_text: str
    body: dict[str, Any]


@dataclass
class Flattened:
    groups: list[GroupRow] = field(default_factory=list)
    controls: list[ControlRow] = field(default_factory=list)


def prop_values(node: dict[str, Any], name: str, ns: str | None = NS) -> list[str]:
    values: list[str] = []
    for prop in node.get("props") or []:
        if prop.get("name") == name and (ns is None or prop.get("ns") == ns):
            values.append(str(prop.get("value", "")))
    return values


def first_prop(node: dict[str, Any], name: str, ns: str | None = NS) -> str | None:
    values = prop_values(node, name, ns)
    return values[0] if values else None


def label_of(node: dict[str, Any]) -> str | None:
    for prop in node.get("props") or []:
        if prop.get("name") == "label" and prop.get("ns") in (None, "http://csrc.nist.gov/ns/oscal"):
            return str(prop.get("value"))
    return None


def part_prose(parts: Iterable[dict[str, Any]], name: str, ns: str | None = None) -> str:
    """All prose of the parts named ``name`` (and their sub-parts), joined by lines."""
    texts: list[str] = []

    def collect(part: dict[str, Any]) -> None:
        if part.get("prose"):
            texts.append(str(part["prose"]))
        for child in part.get("parts") or []:
            collect(child)

    for part in parts:
        if part.get("name") == name and part.get("ns") == ns:
            collect(part)
    return "\n".join(texts)


def _weight(node: dict[str, Any]) -> float:
    value = first_prop(node, "weight")
    try:
        return float(value) if value is not None else 1.0
    except ValueError:
        return 1.0


def _body(node: dict[str, Any]) -> dict[str, Any]:
    return {key: copy.deepcopy(value) for key, value in node.items() if key not in CHILD_KEYS}


def flatten(catalog: dict[str, Any]) -> Flattened:
    """Rows for every group and control, in document order, with parent links by key."""
    result = Flattened()
    counter = iter(range(1, 10**9))

    def add_control(
        node: dict[str, Any], group_key: int | None, parent: int | None, position: int, depth: int
    ) -> None:
        key = next(counter)
        parts = node.get("parts") or []
        title_ja = first_prop(node, "title-ja")
        statement = part_prose(parts, "statement")
        statement_ja = part_prose(parts, "statement-ja", NS) or None
        guidance = part_prose(parts, "guidance")
        guidance_ja = part_prose(parts, "guidance-ja", NS) or None
        label = label_of(node)
        searchable = [node["id"], label or "", node["title"], title_ja or "", statement, statement_ja or ""]
        result.controls.append(
            ControlRow(
                key=key,
                group_key=group_key,
                parent_key=parent,
                position=position,
                depth=depth,
                oscal_id=node["id"],
                control_class=node.get("class"),
                label=label,
                title=node["title"],
                title_ja=title_ja,
                statement=statement,
                statement_ja=statement_ja,
                guidance=guidance,
                guidance_ja=guidance_ja,
                level=first_prop(node, "level"),
                weight=_weight(node),
                search_text=fold(" \n".join(searchable)),
                body=_body(node),
            )
        )
        for index, child in enumerate(node.get("controls") or []):
            add_control(child, group_key, key, index, depth + 1)

    def add_group(node: dict[str, Any], parent: int | None, position: int, depth: int) -> None:
        key = next(counter)
        result.groups.append(
            GroupRow(
                key=key,
                parent_key=parent,
                position=position,
                depth=depth,
                oscal_id=node.get("id"),
                group_class=node.get("class"),
                title=node["title"],
                title_ja=first_prop(node, "title-ja"),
                label=label_of(node),
                body=_body(node),
            )
        )
        for index, child in enumerate(node.get("groups") or []):
            add_group(child, key, index, depth + 1)
        for index, control in enumerate(node.get("controls") or []):
            add_control(control, key, None, index, 0)

    for index, group in enumerate(catalog.get("groups") or []):
        add_group(group, None, index, 0)
    for index, control in enumerate(catalog.get("controls") or []):
        add_control(control, None, None, index, 0)
    return result


def assemble(
    head: dict[str, Any],
    groups: list[GroupRow],
    controls: list[ControlRow],
    tail: dict[str, Any],
) -> dict[str, Any]:
    """Rebuild the catalog object: ``head`` keys, then groups/controls trees, then ``tail`` keys."""
    group_children: dict[int | None, list[GroupRow]] = {}
    for group in sorted(groups, key=lambda row: row.position):
        group_children.setdefault(group.parent_key, []).append(group)
    group_controls: dict[int | None, list[ControlRow]] = {}
    control_children: dict[int, list[ControlRow]] = {}
    for control in sorted(controls, key=lambda row: row.position):
        if control.parent_key is None:
            group_controls.setdefault(control.group_key, []).append(control)
        else:
            control_children.setdefault(control.parent_key, []).append(control)

    def build_control(row: ControlRow) -> dict[str, Any]:
        node = copy.deepcopy(row.body)
        children = control_children.get(row.key)
        if children:
            node["controls"] = [build_control(child) for child in children]
        return node

    def build_group(row: GroupRow) -> dict[str, Any]:
        node = copy.deepcopy(row.body)
        subgroups = group_children.get(row.key)
        if subgroups:
            node["groups"] = [build_group(child) for child in subgroups]
        members = group_controls.get(row.key)
        if members:
            node["controls"] = [build_control(child) for child in members]
        return node

    catalog = dict(head)
    top_groups = group_children.get(None)
    if top_groups:
        catalog["groups"] = [build_group(row) for row in top_groups]
    top_controls = group_controls.get(None)
    if top_controls:
        catalog["controls"] = [build_control(row) for row in top_controls]
    catalog.update(tail)
    return catalog


def content_digest(document: dict[str, Any]) -> str:
    """SHA-256 of a document's canonical JSON (sorted keys), so equal content compares equal."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
