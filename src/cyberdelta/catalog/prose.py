"""Control text as a reader expects it: item labels kept and parameters filled in.

OSCAL 1.1 prose (markup-multiline) inserts a parameter with ``{{ insert: param, ID }}``; a
statement's items carry their printed label (``a.``, ``b.``, ``1.``) in a ``label`` prop. The
published SP 800-53 shows an inserted parameter as its value when one is set, otherwise as
``[Assignment: label]`` or ``[Selection (one or more): a; b]``; this module renders it the same
way. A parameter is looked up in the control, then in the controls and groups around it, then in
the catalog (OSCAL 1.1 catalog model: a parameter may be defined at any of those levels).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cyberdelta.catalog.tree import label_of

INSERT_PARAM = re.compile(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}")
INDENT = "    "


def parameter_scope(*levels: Iterable[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    """Parameter id → definition, outermost level first so that inner definitions win."""
    scope: dict[str, dict[str, Any]] = {}
    for params in levels:
        for param in params or []:
            if isinstance(param.get("id"), str):
                scope[param["id"]] = param
    return scope


def render_parameter(param_id: str, scope: Mapping[str, dict[str, Any]], depth: int = 0) -> str:
    param = scope.get(param_id)
    if param is None:
        return f"[{param_id}]"
    if param.get("values"):
        return ", ".join(str(value) for value in param["values"])
    select = param.get("select")
    if isinstance(select, dict):
        choices = "; ".join(
            fill(str(choice), scope, depth + 1) if depth < 5 else str(choice)
            for choice in select.get("choice") or []
        )
        kind = "Selection (one or more)" if select.get("how-many") == "one-or-more" else "Selection"
        return f"[{kind}: {choices}]"
    if param.get("label"):
        return f"[Assignment: {param['label']}]"
    return f"[{param_id}]"


def fill(prose: str, scope: Mapping[str, dict[str, Any]], depth: int = 0) -> str:
    """``prose`` with every parameter insertion replaced by what it reads as."""
    return INSERT_PARAM.sub(lambda match: render_parameter(match.group(1), scope, depth), prose)


def part_text(
    parts: Iterable[dict[str, Any]], name: str, scope: Mapping[str, dict[str, Any]], ns: str | None = None
) -> str:
    """The parts named ``name``: one line per part with prose or a label, items under their label,
    sub-items indented."""
    lines: list[str] = []

    def visit(part: dict[str, Any], level: int) -> None:
        label = label_of(part)
        prose = fill(str(part.get("prose") or ""), scope)
        text = " ".join(piece for piece in (label, prose) if piece)
        if text:
            lines.append(INDENT * max(level, 0) + text)
        for child in part.get("parts") or []:
            visit(child, level + 1)

    for part in parts:
        if part.get("name") == name and part.get("ns") == ns:
            visit(part, -1)
    return "\n".join(lines)
