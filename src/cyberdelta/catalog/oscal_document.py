"""Reading an OSCAL catalog document (JSON or YAML) and checking it before anything is stored.

Checks, each reported with the JSON path of the problem:

* size limit, well-formed JSON/YAML (line and column of a syntax error);
* the OSCAL 1.x catalog schema, through compliance-trestle's models (``trestle.oscal.catalog``);
* identifier uniqueness: OSCAL requires control, group, part and parameter ids to be unique
  within the document (OSCAL 1.1 catalog model, "id" constraints);
* internal links: an ``href`` of the form ``#fragment`` that names no id or back-matter resource
  uuid of the same document is a *warning*, not an error. OSCAL lets a link point outside the
  document, and the catalogs standards bodies publish as resolved baselines (a profile resolved
  per the OSCAL profile resolution specification) keep ``related`` links to controls of the full
  catalog that the baseline leaves out. The link is kept unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
import yaml
from trestle.oscal.catalog import Catalog as TrestleCatalog

from cyberdelta.catalog.errors import CatalogImportError, Problem
from cyberdelta.catalog.yaml_reading import load_yaml

# A TypeAdapter reports every error with its location; trestle's own ``model_validate`` turns
# some of them (oscal-version) into a bare message.
_CATALOG_ADAPTER = pydantic.TypeAdapter(TrestleCatalog)


def parse_bytes(data: bytes, source: str, max_bytes: int, root: str = "catalog") -> dict[str, Any]:
    """Decode ``data`` as JSON (or YAML when the name says so or it is not JSON): an OSCAL
    document whose single top-level object is ``root`` (``catalog``, ``profile``,
    ``mapping-collection``)."""
    if len(data) > max_bytes:
        raise CatalogImportError(
            source,
            [
                Problem(
                    "$",
                    "the file is %(size)s bytes, over the limit of %(limit)s bytes",
                    {"size": len(data), "limit": max_bytes},
                )
            ],
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogImportError(
            source, [Problem("$", "not UTF-8 text (byte %(offset)s)", {"offset": error.start})]
        ) from None
    is_yaml = source.lower().endswith((".yaml", ".yml")) or not text.lstrip().startswith(("{", "["))
    if is_yaml:
        try:
            document = load_yaml(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = {"line": mark.line + 1, "column": mark.column + 1} if mark else {"line": 0, "column": 0}
            raise CatalogImportError(
                source, [Problem("$", "malformed YAML at line %(line)s, column %(column)s", where)]
            ) from None
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise CatalogImportError(
                source,
                [
                    Problem(
                        "$",
                        "malformed JSON at line %(line)s, column %(column)s: %(reason)s",
                        {"line": error.lineno, "column": error.colno, "reason": error.msg},
                    )
                ],
            ) from None
    if not isinstance(document, dict) or not isinstance(document.get(root), dict):
        if root == "catalog":
            problem = Problem("$", "an OSCAL catalog document has a single top-level object 'catalog'")
        elif root == "profile":
            problem = Problem("$", "an OSCAL profile document has a single top-level object 'profile'")
        else:
            problem = Problem(
                "$", "an OSCAL mapping document has a single top-level object 'mapping-collection'"
            )
        raise CatalogImportError(source, [problem])
    return document


def json_path(location: tuple[str | int, ...]) -> str:
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _is_branch(segment: str | int) -> bool:
    """Pydantic names the union member it tried (``Group1``, ``list[Mapping]``); OSCAL field names
    are lowercase words and hyphens."""
    return isinstance(segment, str) and (segment[:1].isupper() or "[" in segment)


def _misfit(items: Sequence[Any]) -> tuple[int, int, int]:
    """How badly a union branch fits: unknown keys mean the wrong branch, then fewest errors, then
    the deepest (innermost) cause first."""
    structural = sum(1 for item in items if item["type"] == "extra_forbidden")
    deepest = max((len(item["loc"]) for item in items), default=0)
    return (structural, len(items), -deepest)


def _best_fit(errors: list[Any], start: int = 0) -> list[Any]:
    """The errors of the branch that fits best at each union, innermost unions decided first.

    An OSCAL group holds groups or controls, so trestle models it as a union of group shapes and
    pydantic reports every shape's errors. Deciding each nested union before the one around it
    lets the shape whose only problem lies deep inside win over a shape that does not fit at all.
    """
    plain: list[Any] = []
    unions: dict[tuple[str | int, ...], dict[str, list[Any]]] = {}
    for error in errors:
        location = tuple(error["loc"])
        split = next((index for index in range(start, len(location)) if _is_branch(location[index])), None)
        if split is None:
            plain.append(error)
        else:
            unions.setdefault(location[:split], {}).setdefault(str(location[split]), []).append(error)
    for prefix, branches in unions.items():
        resolved: list[list[Any]] = [_best_fit(items, len(prefix) + 1) for items in branches.values()]
        best: list[Any] = min(resolved, key=_misfit)
        plain.extend(best)
    return plain


def schema_problems(errors: list[Any], root: str = "catalog") -> list[Problem]:
    """Turn pydantic errors into problems, keeping for each union the branch that fits best."""
    problems: dict[tuple[str, str], Problem] = {}
    for error in _best_fit(errors):
        location = tuple(segment for segment in error["loc"] if not _is_branch(segment))
        path = json_path((root, *location))
        message = "schema: %(reason)s"
        reason = error["msg"] if error["type"] != "string_pattern_mismatch" else "value has the wrong form"
        problems.setdefault((path, reason), Problem(path, message, {"reason": reason}))
    return list(problems.values())


def validate_schema(document: dict[str, Any], source: str) -> None:
    """Validate against the OSCAL catalog model of compliance-trestle."""
    extra = sorted(set(document) - {"catalog", "$schema"})
    problems = [Problem(f"$.{key}", "unexpected top-level key") for key in extra]
    try:
        _CATALOG_ADAPTER.validate_python(document["catalog"])
    except pydantic.ValidationError as error:
        problems.extend(schema_problems(error.errors()))
    if problems:
        raise CatalogImportError(source, problems)


def walk(node: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the tree with its JSON path (groups, controls, parts, params, …)."""
    yield path, node
    for key, value in node.items():
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from walk(item, f"{path}.{key}[{index}]")
        elif isinstance(value, dict):
            yield from walk(value, f"{path}.{key}")


@dataclass(frozen=True)
class CheckedCatalog:
    """A document that passed every check, with the warnings the checks reported."""

    document: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)


def check_integrity(document: dict[str, Any], source: str) -> list[Problem]:
    """Refuse duplicate ids (OSCAL 1.1 catalog model: ids are unique in the document); return a
    warning for each ``#`` link whose target is not in the document."""
    catalog = document["catalog"]
    seen: dict[str, str] = {}
    targets: set[str] = set()
    problems: list[Problem] = []
    links: list[tuple[str, str]] = []
    for path, node in walk(catalog, "$.catalog"):
        identifier = node.get("id")
        if isinstance(identifier, str) and not path.endswith(".metadata"):
            if identifier in seen:
                problems.append(
                    Problem(
                        path + ".id",
                        "duplicate id %(id)s (first at %(first)s)",
                        {"id": identifier, "first": seen[identifier]},
                    )
                )
            else:
                seen[identifier] = path + ".id"
            targets.add(identifier)
        uuid = node.get("uuid")
        if isinstance(uuid, str):
            targets.add(uuid)
        for index, link in enumerate(node.get("links") or []):
            href = link.get("href") if isinstance(link, dict) else None
            if isinstance(href, str) and href.startswith("#"):
                links.append((f"{path}.links[{index}].href", href[1:]))
    if problems:
        raise CatalogImportError(source, problems)
    return [
        Problem(path, "link to #%(target)s, which is not in this document", {"target": target})
        for path, target in links
        if target not in targets
    ]


def inspect_catalog(data: bytes, source: str, max_bytes: int) -> CheckedCatalog:
    """Parse and check a document: refused with every problem, or returned with its warnings."""
    document = parse_bytes(data, source, max_bytes)
    validate_schema(document, source)
    return CheckedCatalog(document, check_integrity(document, source))


def read_catalog(data: bytes, source: str, max_bytes: int) -> dict[str, Any]:
    """Parse and check a document; returns it unchanged when it passes every check."""
    return inspect_catalog(data, source, max_bytes).document
