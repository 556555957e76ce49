"""Differences between two catalog versions, control by control (matched by OSCAL id)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cyberdelta.catalog.tree import ControlRow, flatten

COMPARED_FIELDS = (
    "title",
    "title_ja",
    "statement",
    "statement_ja",
    "guidance",
    "guidance_ja",
    "level",
    "weight",
)
COMPARED_KEYS = ("class", "params", "props", "links", "parts")


@dataclass(frozen=True)
class ControlChange:
    oscal_id: str
    title: str
    fields: tuple[str, ...]


@dataclass
class CatalogDiff:
    added: list[ControlRow] = field(default_factory=list)
    removed: list[ControlRow] = field(default_factory=list)
    changed: list[ControlChange] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _placement(row: ControlRow, groups: Mapping[int, str | None], parents: Mapping[int, str]) -> str:
    if row.parent_key is not None:
        return f"control:{parents[row.parent_key]}"
    return f"group:{groups.get(row.group_key or 0)}"


def diff_catalogs(old: dict[str, Any], new: dict[str, Any]) -> CatalogDiff:
    """Compare two OSCAL catalog objects (the value of ``catalog``)."""
    old_rows, new_rows = flatten(old), flatten(new)

    def index(rows: list[ControlRow]) -> dict[str, ControlRow]:
        return {row.oscal_id: row for row in rows}

    old_controls, new_controls = index(old_rows.controls), index(new_rows.controls)
    old_groups = {row.key: row.oscal_id or row.title for row in old_rows.groups}
    new_groups = {row.key: row.oscal_id or row.title for row in new_rows.groups}
    old_parents = {row.key: row.oscal_id for row in old_rows.controls}
    new_parents = {row.key: row.oscal_id for row in new_rows.controls}
    result = CatalogDiff()
    for oscal_id, row in new_controls.items():
        before = old_controls.get(oscal_id)
        if before is None:
            result.added.append(row)
            continue
        changed = [name for name in COMPARED_FIELDS if getattr(before, name) != getattr(row, name)]
        changed += [key for key in COMPARED_KEYS if before.body.get(key) != row.body.get(key)]
        if _placement(before, old_groups, old_parents) != _placement(row, new_groups, new_parents):
            changed.append("placement")
        if changed:
            result.changed.append(ControlChange(oscal_id, row.title, tuple(dict.fromkeys(changed))))
    result.removed = [row for oscal_id, row in old_controls.items() if oscal_id not in new_controls]
    return result
