"""Read models for the catalog pages: the group tree with control counts, control details."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cyberdelta.catalog.models import CatalogGroup, Control
from cyberdelta.catalog.tree import NS, prop_values
from cyberdelta.i18n import pick


@dataclass
class ControlItem:
    oscal_id: str
    label: str
    title: str
    level: str | None
    depth: int


@dataclass
class GroupNode:
    oscal_id: str | None
    label: str
    title: str
    groups: list[GroupNode] = field(default_factory=list)
    controls: list[ControlItem] = field(default_factory=list)
    count: int = 0


def control_item(control: Control) -> ControlItem:
    return ControlItem(
        oscal_id=control.oscal_id,
        label=control.label or control.oscal_id,
        title=pick(control.title, control.title_ja),
        level=control.level,
        depth=control.depth,
    )


def build_tree(
    groups: list[CatalogGroup], controls: list[Control]
) -> tuple[list[GroupNode], list[ControlItem]]:
    """Top-level groups (with nested groups and their controls) and top-level loose controls."""
    nodes = {
        group.id: GroupNode(
            group.oscal_id, group.label or group.oscal_id or "", pick(group.title, group.title_ja)
        )
        for group in groups
    }
    roots: list[GroupNode] = []
    for group in sorted(groups, key=lambda row: (row.depth, row.position)):
        if group.parent_id is None:
            roots.append(nodes[group.id])
        else:
            nodes[group.parent_id].groups.append(nodes[group.id])
    loose: list[ControlItem] = []
    children: dict[int, list[Control]] = {}
    for control in controls:
        if control.parent_control_id is not None:
            children.setdefault(control.parent_control_id, []).append(control)

    def with_enhancements(control: Control) -> list[ControlItem]:
        items = [control_item(control)]
        for child in sorted(children.get(control.id, []), key=lambda row: row.position):
            items.extend(with_enhancements(child))
        return items

    for control in sorted(controls, key=lambda row: row.position):
        if control.parent_control_id is not None:
            continue
        items = with_enhancements(control)
        if control.group_id is None:
            loose.extend(items)
        else:
            nodes[control.group_id].controls.extend(items)

    def count(node: GroupNode) -> int:
        node.count = len(node.controls) + sum(count(child) for child in node.groups)
        return node.count

    for root in roots:
        count(root)
    return roots, loose


@dataclass(frozen=True)
class ControlDetail:
    oscal_id: str
    label: str
    title: str
    title_other: str | None
    statement: str
    guidance: str
    level: str | None
    weight: float
    csf: list[str]
    tags: list[str]
    seeds: list[str]
    params: list[dict[str, Any]]
    links: list[dict[str, Any]]
    other_parts: list[dict[str, Any]]


def control_detail(control: Control) -> ControlDetail:
    body = control.body_json
    own_names = {("statement", None), ("guidance", None), ("statement-ja", NS), ("guidance-ja", NS)}
    other_parts = [
        part for part in body.get("parts") or [] if (part.get("name"), part.get("ns")) not in own_names
    ]
    title = pick(control.title, control.title_ja)
    other = control.title if title != control.title else control.title_ja
    return ControlDetail(
        oscal_id=control.oscal_id,
        label=control.label or control.oscal_id,
        title=title,
        title_other=other,
        statement=pick(control.statement, control.statement_ja),
        guidance=pick(control.guidance, control.guidance_ja),
        level=control.level,
        weight=control.weight,
        csf=prop_values(body, "csf-2.0"),
        tags=prop_values(body, "tag"),
        seeds=prop_values(body, "seed"),
        params=list(body.get("params") or []),
        links=list(body.get("links") or []),
        other_parts=other_parts,
    )
