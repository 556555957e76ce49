"""OSCAL profiles: reading one, resolving it into a catalog, saying what it selects and alters,
and writing a catalog's level (``basic``) as a profile over the catalog.

Resolution follows the OSCAL profile resolution specification through compliance-trestle's
resolver (``trestle.core.profile_resolver``): ``imports`` select controls (``include-all``,
``include-controls``, ``exclude-controls``), ``merge`` arranges them, ``modify`` sets parameters
(``set-parameters``) and alters controls (``alters``: ``adds``, ``removes``). Trestle does not
apply ``removes`` (it logs "Alter not supported"), so they are applied here, before the adds as
the specification orders them, to the catalog handed to trestle: every param, prop, link and part
of the altered control (not of its child controls) that matches all the criteria of a ``remove``
(``by-name``, ``by-class``, ``by-id``, ``by-item-name``, ``by-ns``) is dropped. The profile is
resolved against a catalog version stored here, whatever its import ``href`` says, so exactly one
import is accepted. The resolved catalog keeps every link as the source catalog has it; a link to
an unselected control becomes an import warning (docs/catalog.md, "Import warnings").
"""

from __future__ import annotations

import copy
import json
import logging
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from trestle.common.err import TrestleError
from trestle.core.profile_resolver import ProfileResolver
from trestle.oscal.profile import Profile as TrestleProfile

from cyberdelta.catalog.errors import CatalogImportError, Problem
from cyberdelta.catalog.oscal_document import parse_bytes, schema_problems, walk
from cyberdelta.catalog.tree import NS, first_prop, flatten

_PROFILE_ADAPTER = pydantic.TypeAdapter(TrestleProfile)
NAMESPACE = uuid.UUID("3d0f6a52-7b1e-4c8a-9f2d-5e6a7b8c9d0e")
PROFILE_OSCAL_VERSION = "1.1.2"


def read_profile(data: bytes, source: str, max_bytes: int) -> dict[str, Any]:
    """Parse and validate an OSCAL profile (JSON or YAML) against trestle's profile model."""
    document = parse_bytes(data, source, max_bytes, root="profile")
    problems = [
        Problem(f"$.{key}", "unexpected top-level key")
        for key in sorted(set(document) - {"profile", "$schema"})
    ]
    try:
        _PROFILE_ADAPTER.validate_python(document["profile"])
    except pydantic.ValidationError as error:
        problems.extend(schema_problems(error.errors(), "profile"))
    if not problems and len(document["profile"]["imports"]) != 1:
        problems.append(
            Problem(
                "$.profile.imports",
                "the profile is resolved against one stored catalog, so it needs exactly one "
                "import (it has %(count)s)",
                {"count": len(document["profile"]["imports"])},
            )
        )
    if problems:
        raise CatalogImportError(source, problems)
    return document


ITEMS = (("param", "params"), ("prop", "props"), ("link", "links"), ("part", "parts"))
CRITERIA = {"by-name": "name", "by-class": "class", "by-id": "id", "by-ns": "ns"}


def _matches(kind: str, item: dict[str, Any], remove: dict[str, Any]) -> bool:
    if "by-item-name" in remove and remove["by-item-name"] != kind:
        return False
    return all(item.get(field) == remove[key] for key, field in CRITERIA.items() if key in remove)


def _strip(node: dict[str, Any], removes: list[dict[str, Any]]) -> None:
    for kind, key in ITEMS:
        if key not in node:
            continue
        kept = [item for item in node[key] if not any(_matches(kind, item, r) for r in removes)]
        for item in kept:
            if kind in ("part", "param"):
                _strip(item, removes)
        if kept:
            node[key] = kept
        else:
            del node[key]  # OSCAL arrays hold at least one item


def apply_removes(catalog: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``catalog`` with the profile's ``removes`` applied to the controls they alter."""
    alters = {
        alter["control-id"]: alter["removes"]
        for alter in (profile["profile"].get("modify") or {}).get("alters") or []
        if alter.get("removes")
    }
    if not alters:
        return catalog
    result = copy.deepcopy(catalog)
    for _path, node in walk(result["catalog"], "$.catalog"):
        if node.get("id") in alters and "title" in node and _path.rsplit(".", 1)[-1].startswith("controls["):
            _strip(node, alters[node["id"]])
    return result


def _without_removes(profile: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(profile)
    modify = body["profile"].get("modify") or {}
    for alter in modify.get("alters") or []:
        alter.pop("removes", None)
    if "alters" in modify:
        modify["alters"] = [alter for alter in modify["alters"] if alter.get("adds")]
        if not modify["alters"]:
            del modify["alters"]
    if "modify" in body["profile"] and not modify:
        del body["profile"]["modify"]
    return body


class _Collected(logging.Handler):
    """Warnings the resolver logs (a parameter or control the profile names but the catalog
    lacks); they become import warnings of the resolved version."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class Resolution:
    document: dict[str, Any]
    warnings: list[Problem]


def resolve_profile(
    profile: dict[str, Any], catalog: dict[str, Any], source: str, catalog_reference: str
) -> dict[str, Any]:
    """The catalog the profile yields from ``catalog`` (an OSCAL catalog document)."""
    return resolve_with_warnings(profile, catalog, source, catalog_reference).document


def resolve_with_warnings(
    profile: dict[str, Any], catalog: dict[str, Any], source: str, catalog_reference: str
) -> Resolution:
    """The resolved catalog and what the resolver warned about (each at ``$.profile``)."""
    body = _without_removes(profile)
    catalog = apply_removes(catalog, profile)
    original_href = body["profile"]["imports"][0]["href"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".trestle").mkdir()
        catalog_path = root / "catalog.json"
        catalog_path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
        body["profile"]["imports"][0]["href"] = str(catalog_path)
        profile_path = root / "profile.json"
        profile_path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        collected = _Collected()
        trestle_logger = logging.getLogger("trestle")
        trestle_logger.addHandler(collected)
        try:
            resolved = ProfileResolver.get_resolved_profile_catalog(root, str(profile_path))
        except (TrestleError, pydantic.ValidationError) as error:
            raise CatalogImportError(
                source,
                [
                    Problem(
                        "$.profile",
                        "the profile cannot be resolved against %(catalog)s: %(reason)s",
                        {"catalog": catalog_reference, "reason": str(error).replace(folder, "")},
                    )
                ],
            ) from None
        finally:
            trestle_logger.removeHandler(collected)
    document: dict[str, Any] = json.loads(resolved.oscal_serialize_json())
    node = document["catalog"]
    # Same profile over the same catalog → same resolved catalog uuid, so re-imports compare.
    node["uuid"] = str(uuid.uuid5(NAMESPACE, f"{profile['profile']['uuid']}:{catalog['catalog']['uuid']}"))
    for link in node["metadata"].get("links") or []:
        if link.get("rel") == "resolution-source":
            link["href"] = original_href
    if node.get("back-matter") == {}:
        del node["back-matter"]
    warnings = [
        Problem("$.profile", "the profile resolver reports: %(report)s", {"report": message})
        for message in dict.fromkeys(collected.messages)
    ]
    return Resolution(document, warnings)


@dataclass(frozen=True)
class Alteration:
    """One ``alter`` of a profile: what it adds to and removes from a control."""

    control_id: str
    adds: tuple[str, ...]
    removes: tuple[str, ...]


@dataclass(frozen=True)
class ProfileSummary:
    title: str
    imports: str
    selected: list[str]
    set_parameters: list[tuple[str, str]] = field(default_factory=list)
    alterations: list[Alteration] = field(default_factory=list)


def _added(add: dict[str, Any]) -> str:
    items = [
        f"{key} {', '.join(str(item.get('id') or item.get('name') or item.get('href')) for item in add[key])}"
        for key in ("params", "props", "links", "parts")
        if add.get(key)
    ]
    where = add.get("position", "ending")
    target = add.get("by-id")
    return f"{'; '.join(items)} ({where}{f' {target}' if target else ''})"


def _removed(remove: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in remove.items())


def summarise(profile: dict[str, Any], resolved: dict[str, Any]) -> ProfileSummary:
    """Which controls the profile selects (those of the resolved catalog) and what it changes."""
    body = profile["profile"]
    modify = body.get("modify") or {}
    parameters = []
    for setting in modify.get("set-parameters") or []:
        shown = setting.get("values") or ([setting["label"]] if setting.get("label") else [])
        if not shown and setting.get("select"):
            shown = setting["select"].get("choice") or []
        parameters.append((setting["param-id"], ", ".join(str(value) for value in shown)))
    return ProfileSummary(
        title=body["metadata"]["title"],
        imports=body["imports"][0]["href"],
        selected=[row.oscal_id for row in flatten(resolved["catalog"]).controls],
        set_parameters=parameters,
        alterations=[
            Alteration(
                alter["control-id"],
                tuple(_added(add) for add in alter.get("adds") or []),
                tuple(_removed(remove) for remove in alter.get("removes") or []),
            )
            for alter in modify.get("alters") or []
        ],
    )


def catalog_urn(key: str, version: str) -> str:
    """How a profile written here names the stored catalog version it selects from."""
    return f"urn:cyberdelta:catalog:{key}:{version}"


def level_profile(catalog: dict[str, Any], level: str, catalog_href: str) -> dict[str, Any]:
    """A profile selecting the controls whose ``level`` prop (namespace :data:`NS`) is ``level``,
    over the catalog named by ``catalog_href`` (a back-matter resource of the profile)."""
    node = catalog["catalog"]
    metadata = node["metadata"]
    ids = [row.oscal_id for row in flatten(node).controls if row.level == level]
    resource = str(uuid.uuid5(NAMESPACE, f"resource:{node['uuid']}"))
    profile_metadata: dict[str, Any] = {
        "title": f"{metadata['title']}: {level} level",
        "last-modified": metadata["last-modified"],
        "version": str(metadata["version"]),
        "oscal-version": PROFILE_OSCAL_VERSION,
    }
    title_ja = first_prop(metadata, "title-ja")
    if title_ja:
        label_ja = {"basic": "基本", "desirable": "望ましい"}.get(level, level)
        profile_metadata["props"] = [{"name": "title-ja", "ns": NS, "value": f"{title_ja}（{label_ja}）"}]
    return {
        "profile": {
            "uuid": str(uuid.uuid5(NAMESPACE, f"profile:{node['uuid']}:{level}")),
            "metadata": profile_metadata,
            "imports": [{"href": f"#{resource}", "include-controls": [{"with-ids": ids}]}],
            "merge": {"as-is": True},
            "back-matter": {
                "resources": [
                    {
                        "uuid": resource,
                        "title": metadata["title"],
                        "rlinks": [{"href": catalog_href, "media-type": "application/oscal.catalog+json"}],
                    }
                ]
            },
        }
    }
