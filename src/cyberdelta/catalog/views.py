"""Read models for the catalog pages: the group tree with control counts, control details."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cyberdelta.catalog.models import CatalogGroup, Control
from cyberdelta.catalog.prose import parameter_scope, part_text
from cyberdelta.catalog.tree import NS, first_prop, prop_values
from cyberdelta.platform.i18n import pick


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
class LinkView:
    """A control's link, resolved: another control (``control_id``), a back-matter document
    (``title``) or an outside address (``href``)."""

    rel: str
    href: str
    title: str
    control_id: str | None = None


def resource_titles(back_matter: dict[str, Any] | None) -> dict[str, str]:
    """Back-matter resource uuid → its title in the current language (OSCAL back-matter §resource)."""
    titles: dict[str, str] = {}
    for resource in (back_matter or {}).get("resources") or []:
        title = pick(resource.get("title"), first_prop(resource, "title-ja"))
        citation = (resource.get("citation") or {}).get("text")
        titles[resource["uuid"]] = title or citation or resource["uuid"]
    return titles


def resolve_link(link: dict[str, Any], resources: dict[str, str], control_ids: set[str]) -> LinkView:
    href = str(link.get("href", ""))
    rel = str(link.get("rel", ""))
    target = href[1:] if href.startswith("#") else None
    if target is not None and target in control_ids:
        return LinkView(rel, href, link.get("text") or target, control_id=target)
    if target is not None and target in resources:
        return LinkView(rel, href, resources[target])
    return LinkView(rel, href, link.get("text") or href)


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
    params: list[dict[str, Any]]
    links: list[LinkView]
    other_parts: list[dict[str, Any]]


def control_detail(
    control: Control,
    resources: dict[str, str],
    control_ids: set[str],
    catalog_params: list[dict[str, Any]] | None = None,
) -> ControlDetail:
    """The control as its page shows it; links resolved against the catalog's controls and
    back-matter; the statement with its item labels and parameters (:mod:`cyberdelta.catalog.prose`)."""
    body = control.body_json
    own_names = {("statement", None), ("guidance", None), ("statement-ja", NS), ("guidance-ja", NS)}
    other_parts = [
        part for part in body.get("parts") or [] if (part.get("name"), part.get("ns")) not in own_names
    ]
    title = pick(control.title, control.title_ja)
    other = control.title if title != control.title else control.title_ja
    parts = body.get("parts") or []
    scope = parameter_scope(catalog_params, body.get("params"))
    return ControlDetail(
        oscal_id=control.oscal_id,
        label=control.label or control.oscal_id,
        title=title,
        title_other=other,
        statement=pick(
            part_text(parts, "statement", scope) or control.statement,
            part_text(parts, "statement-ja", scope, NS) or None,
        ),
        guidance=pick(control.guidance, control.guidance_ja),
        level=control.level,
        weight=control.weight,
        csf=prop_values(body, "csf-2.0"),
        tags=prop_values(body, "tag"),
        params=list(body.get("params") or []),
        links=[resolve_link(link, resources, control_ids) for link in body.get("links") or []],
        other_parts=other_parts,
    )
