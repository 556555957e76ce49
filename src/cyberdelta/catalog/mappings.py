"""Control mappings of a catalog version: importing OSCAL mapping collections, the built-in
catalog's NIST CSF 2.0 crosswalk, and which CSF 2.0 subcategories each control covers
(docs/catalog.md, "Mappings").

A control covers a CSF 2.0 subcategory when the catalog says so itself (props and links,
:func:`cyberdelta.catalog.csf.carried_subcategories`) or when a mapping collection imported for
the version relates the two with any relationship but ``no-relationship`` (NIST IR 8477 §4.3).
An imported collection is immutable like the version it belongs to; its document is kept as
imported, so an export gives it back unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cyberdelta.catalog.csf import carried_subcategories, is_subcategory
from cyberdelta.catalog.errors import MappingExistsError, MappingNotFoundError
from cyberdelta.catalog.mapping_document import ROOT, read_mapping_document, relate
from cyberdelta.catalog.models import CatalogVersion, Control, ControlMapping, ControlMappingEntry
from cyberdelta.catalog.tree import content_digest
from cyberdelta.platform.i18n import pick

BUILTIN_MAPPING_FILE = "cssa-csf-2.0-mapping.json"
NO_RELATIONSHIP = "no-relationship"


def _parts(parts: Iterable[dict[str, Any]], control_id: str, owners: dict[str, str]) -> None:
    for part in parts:
        if isinstance(part.get("id"), str):
            owners.setdefault(part["id"], control_id)
        _parts(part.get("parts") or [], control_id, owners)


def owners_of(session: Session, version_id: int) -> dict[str, str]:
    """Every control id and part id of the version → the id of the control it belongs to."""
    rows = session.execute(
        select(Control.oscal_id, Control.body_json).where(Control.version_id == version_id)
    ).all()
    owners = {control_id: control_id for control_id, _body in rows}
    for control_id, body in rows:
        _parts(body.get("parts") or [], control_id, owners)
    return owners


def reference_of(version: CatalogVersion) -> str:
    return f"{version.catalog.key}@{version.version}"


def import_mapping(
    session: Session, data: bytes, source: str, version: CatalogVersion, *, max_bytes: int
) -> ControlMapping:
    """Check ``data`` (an OSCAL mapping collection) against ``version`` and store it; all or
    nothing (the caller owns the transaction)."""
    document = read_mapping_document(data, source, max_bytes)
    oscal_uuid = str(document[ROOT]["uuid"])
    reference = reference_of(version)
    exists = session.scalar(
        select(ControlMapping.id).where(
            ControlMapping.version_id == version.id, ControlMapping.oscal_uuid == oscal_uuid
        )
    )
    if exists is not None:
        raise MappingExistsError(reference, oscal_uuid)
    read = relate(document, source, owners_of(session, version.id), reference)

    mapping = ControlMapping(
        version_id=version.id,
        oscal_uuid=oscal_uuid,
        title=read.title,
        title_ja=read.title_ja,
        other_side=read.other_side,
        csf=read.csf,
        source_name=source,
        content_sha256=content_digest(document),
        document_json=document,
        entry_count=len(read.entries),
    )
    session.add(mapping)
    session.flush()
    if read.entries:
        session.execute(
            insert(ControlMappingEntry),
            [
                {
                    "mapping_id": mapping.id,
                    "control_id": entry.control_id,
                    "other_id": entry.other_id,
                    "relationship": entry.relationship,
                }
                for entry in read.entries
            ],
        )
    return mapping


def builtin_mapping_bytes() -> bytes:
    return (resources.files("cyberdelta.catalog") / "data" / BUILTIN_MAPPING_FILE).read_bytes()


@cache
def builtin_mapping_uuid() -> str:
    return str(json.loads(builtin_mapping_bytes())[ROOT]["uuid"])


def ensure_builtin_mapping(session: Session, version: CatalogVersion) -> None:
    """Store the built-in catalog's CSF 2.0 crosswalk for ``version`` unless it is there."""
    oscal_uuid = builtin_mapping_uuid()
    found = session.scalar(
        select(ControlMapping.id).where(
            ControlMapping.version_id == version.id, ControlMapping.oscal_uuid == oscal_uuid
        )
    )
    if found is None:
        data = builtin_mapping_bytes()
        import_mapping(session, data, BUILTIN_MAPPING_FILE, version, max_bytes=len(data))


def mappings_of(session: Session, version_id: int) -> list[ControlMapping]:
    return list(
        session.scalars(
            select(ControlMapping).where(ControlMapping.version_id == version_id).order_by(ControlMapping.id)
        )
    )


def get_mapping(session: Session, version_id: int, oscal_uuid: str) -> ControlMapping:
    found = session.scalar(
        select(ControlMapping).where(
            ControlMapping.version_id == version_id, ControlMapping.oscal_uuid == oscal_uuid
        )
    )
    if found is None:
        raise MappingNotFoundError(oscal_uuid)
    return found


@dataclass(frozen=True)
class MappedItem:
    """An item of another framework that a control is related to, and by which collection."""

    mapping_title: str
    other_id: str
    relationship: str
    csf: bool


def mapped_items(session: Session, version_id: int, control_id: str) -> list[MappedItem]:
    rows = session.execute(
        select(ControlMapping.title, ControlMapping.title_ja, ControlMappingEntry)
        .join(ControlMappingEntry, ControlMappingEntry.mapping_id == ControlMapping.id)
        .where(ControlMapping.version_id == version_id, ControlMappingEntry.control_id == control_id)
        .order_by(ControlMapping.id, ControlMappingEntry.id)
    )
    return [
        MappedItem(pick(title, title_ja), entry.other_id, entry.relationship, is_subcategory(entry.other_id))
        for title, title_ja, entry in rows
    ]


def csf_crosswalk(session: Session, version_id: int) -> dict[str, list[str]]:
    """Control id → the CSF 2.0 subcategories it covers (from the catalog and its mappings).

    An entry names a subcategory only when it comes from a side of CSF 2.0 ids (any id of that
    form makes the side a CSF side, whose every id was checked; :mod:`mapping_document`)."""
    covered: dict[str, dict[str, None]] = {}
    for control_id, body in session.execute(
        select(Control.oscal_id, Control.body_json)
        .where(Control.version_id == version_id)
        .order_by(Control.id)
    ):
        covered[control_id] = dict.fromkeys(carried_subcategories(body))
    for control_id, other_id in session.execute(
        select(ControlMappingEntry.control_id, ControlMappingEntry.other_id)
        .join(ControlMapping, ControlMapping.id == ControlMappingEntry.mapping_id)
        .where(
            ControlMapping.version_id == version_id,
            ControlMapping.csf.is_(True),
            ControlMappingEntry.relationship != NO_RELATIONSHIP,
        )
        .order_by(ControlMappingEntry.id)
    ):
        if is_subcategory(other_id):
            covered.setdefault(control_id, {})[other_id] = None
    return {control_id: list(items) for control_id, items in covered.items() if items}
