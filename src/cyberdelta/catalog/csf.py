"""NIST Cybersecurity Framework (CSF) 2.0: its subcategories, and the CSF 2.0 references a catalog
carries itself.

The CSF 2.0 Core (NIST CSWP 29, February 2024, Appendix A) has 6 functions, 22 categories and
106 subcategories with ids such as ``GV.OC-01``; ``data/csf-2.0.json`` holds them with their
outcome text in English (NIST's words) and in Japanese (CyberDelta's translation).

A catalog names the subcategories a control covers in a prop whose name mentions CSF (the
built-in catalog: ``csf-2.0`` in the CyberDelta namespace; other catalogs: ``csf``,
``nist-csf``, …) or in a link whose address ends in a subcategory id (``…#GV.OC-01``,
``urn:…:PR.AA-01``). Ids are matched whatever their case (``gv.oc-01``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from cyberdelta.platform.i18n import pick

SUBCATEGORY_FORM = re.compile(r"^[A-Za-z]{2}\.[A-Za-z]{2}-\d{2}$")
LINK_TAIL = re.compile(r"([A-Za-z]{2}\.[A-Za-z]{2}-\d{2})$")


@dataclass(frozen=True)
class CsfItem:
    """A function, category or subcategory of the CSF 2.0 Core."""

    id: str
    title_en: str
    title_ja: str
    parent: str | None

    @property
    def title(self) -> str:
        return pick(self.title_en, self.title_ja)


@dataclass(frozen=True)
class CsfCore:
    functions: tuple[CsfItem, ...]
    categories: tuple[CsfItem, ...]
    subcategories: tuple[CsfItem, ...]

    def subcategory(self, identifier: str) -> CsfItem | None:
        return _index(self).get(identifier)

    def categories_of(self, function: str) -> list[CsfItem]:
        return [item for item in self.categories if item.parent == function]

    def subcategories_of(self, category: str) -> list[CsfItem]:
        return [item for item in self.subcategories if item.parent == category]


@cache
def _index(core: CsfCore) -> dict[str, CsfItem]:
    return {item.id: item for item in core.subcategories}


def _items(rows: list[dict[str, Any]], parent: str | None) -> tuple[CsfItem, ...]:
    return tuple(
        CsfItem(row["id"], row["title"], row["title_ja"], row.get(parent) if parent else None) for row in rows
    )


@cache
def csf_core() -> CsfCore:
    """The CSF 2.0 Core as shipped in ``data/csf-2.0.json`` (read once)."""
    data = json.loads((resources.files("cyberdelta.catalog") / "data" / "csf-2.0.json").read_text("utf-8"))
    return CsfCore(
        functions=_items(data["functions"], None),
        categories=_items(data["categories"], "function"),
        subcategories=_items(data["subcategories"], "category"),
    )


def canonical(identifier: str) -> str | None:
    """``GV.OC-01`` for any spelling of a CSF 2.0 subcategory id, None when it has not that form."""
    text = identifier.strip()
    return text.upper() if SUBCATEGORY_FORM.match(text) else None


def is_subcategory(identifier: str) -> bool:
    found = canonical(identifier)
    return found is not None and csf_core().subcategory(found) is not None


def carried_subcategories(control_body: dict[str, Any]) -> list[str]:
    """The CSF 2.0 subcategories a control names in its props and links, in order, once each."""
    found: dict[str, None] = {}
    for prop in control_body.get("props") or []:
        if "csf" in str(prop.get("name", "")).lower():
            identifier = canonical(str(prop.get("value", "")))
            if identifier and csf_core().subcategory(identifier):
                found[identifier] = None
    for link in control_body.get("links") or []:
        match = LINK_TAIL.search(str(link.get("href", "")))
        identifier = canonical(match.group(1)) if match else None
        if identifier and csf_core().subcategory(identifier):
            found[identifier] = None
    return list(found)
