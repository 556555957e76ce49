"""Catalog operations: import (one transaction), look-up, export, tree, search.

Published versions are immutable (see :mod:`cyberdelta.catalog.models`); a new OSCAL
``metadata.version`` of the same catalog becomes a new version beside the old ones.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from importlib import resources
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cyberdelta.catalog.errors import CatalogNotFoundError, Problem, VersionExistsError
from cyberdelta.catalog.mappings import ensure_builtin_mapping
from cyberdelta.catalog.models import Catalog, CatalogGroup, CatalogVersion, Control
from cyberdelta.catalog.oscal_document import inspect_catalog
from cyberdelta.catalog.tree import ControlRow, GroupRow, assemble, content_digest, first_prop, flatten
from cyberdelta.platform.i18n import fold

BUILTIN_KEY = "cyberdelta-cssa"
BUILTIN_FILE = "cssa-catalog.json"
HEAD_KEYS = ("uuid", "metadata", "params")
TAIL_KEYS = ("back-matter",)


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80] or "catalog"


def builtin_document_bytes() -> bytes:
    return (resources.files("cyberdelta.catalog") / "data" / BUILTIN_FILE).read_bytes()


def import_catalog(
    session: Session,
    data: bytes,
    source: str,
    *,
    max_bytes: int,
    key: str | None = None,
    builtin: bool = False,
    profile: dict[str, Any] | None = None,
    source_version_id: int | None = None,
    more_warnings: Sequence[Problem] = (),
) -> CatalogVersion:
    """Check ``data`` and store it as a new published version. The caller owns the transaction.

    ``profile`` and ``source_version_id``: the version is the resolution of this OSCAL profile
    over that stored version (:func:`import_profile`)."""
    checked = inspect_catalog(data, source, max_bytes)
    document = checked.document
    catalog_node = document["catalog"]
    metadata = catalog_node["metadata"]
    catalog_key = key or slugify(metadata["title"])
    version_label = str(metadata["version"])
    catalog = session.scalar(select(Catalog).where(Catalog.key == catalog_key))
    if catalog is None:
        catalog = Catalog(
            key=catalog_key,
            title=metadata["title"],
            title_ja=first_prop(metadata, "title-ja"),
            builtin=builtin,
        )
        session.add(catalog)
        session.flush()
    elif session.scalar(
        select(CatalogVersion.id).where(
            CatalogVersion.catalog_id == catalog.id, CatalogVersion.version == version_label
        )
    ):
        raise VersionExistsError(catalog_key, version_label)

    rows = flatten(catalog_node)
    version = CatalogVersion(
        catalog_id=catalog.id,
        version=version_label,
        oscal_uuid=catalog_node["uuid"],
        oscal_version=metadata["oscal-version"],
        title=metadata["title"],
        title_ja=first_prop(metadata, "title-ja"),
        metadata_json=metadata,
        params_json=catalog_node.get("params"),
        back_matter_json=catalog_node.get("back-matter"),
        extra_json={
            k: v for k, v in catalog_node.items() if k not in (*HEAD_KEYS, *TAIL_KEYS, "groups", "controls")
        },
        content_sha256=content_digest(document),
        source_name=source,
        control_count=len(rows.controls),
        warnings_json=[
            {"path": problem.path, "message": problem.message, "params": problem.params}
            for problem in (*more_warnings, *checked.warnings)
        ],
        profile_json=profile,
        source_version_id=source_version_id,
    )
    session.add(version)
    session.flush()
    _store_rows(session, version.id, rows.groups, rows.controls)
    return version


ROW_ONLY_FIELDS = frozenset({"key", "parent_key", "group_key", "body"})


def _columns(row: GroupRow | ControlRow) -> dict[str, Any]:
    """The row's fields that are columns of the same name."""
    return {item.name: getattr(row, item.name) for item in fields(row) if item.name not in ROW_ONLY_FIELDS}


def _insert_by_depth(
    session: Session,
    model: type[CatalogGroup] | type[Control],
    rows: Sequence[GroupRow | ControlRow],
    values: Callable[[Any, dict[int, int]], dict[str, Any]],
) -> dict[int, int]:
    """One multi-row INSERT … RETURNING per tree depth, so parents have ids before their children.
    Returns row key → database id."""
    ids_by_key: dict[int, int] = {}
    for depth in sorted({row.depth for row in rows}):
        layer = [row for row in rows if row.depth == depth]
        ids = session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True),
            [values(row, ids_by_key) for row in layer],
        ).all()
        ids_by_key.update(zip((row.key for row in layer), ids, strict=True))
    return ids_by_key


def _store_rows(
    session: Session, version_id: int, groups: list[GroupRow], controls: list[ControlRow]
) -> None:
    group_ids = _insert_by_depth(
        session,
        CatalogGroup,
        groups,
        lambda row, ids: {
            **_columns(row),
            "version_id": version_id,
            "parent_id": ids.get(row.parent_key or 0),
            "body_json": row.body,
        },
    )
    _insert_by_depth(
        session,
        Control,
        controls,
        lambda row, ids: {
            **_columns(row),
            "version_id": version_id,
            "group_id": group_ids.get(row.group_key or 0),
            "parent_control_id": ids.get(row.parent_key or 0),
            "body_json": row.body,
        },
    )


def ensure_builtin_catalog(session: Session) -> CatalogVersion:
    """Import the shipped catalog unless this version of it is already stored.

    Its NIST CSF 2.0 crosswalk (an OSCAL mapping collection, docs/catalog.md "Mappings") is stored
    with it. Several app processes start at once in a deployment (docs/deployment.md): when another one
    stores the catalog first, this one's import meets the unique keys, is undone by its savepoint,
    and the stored version is used."""
    data = builtin_document_bytes()
    version_label = str(json.loads(data)["catalog"]["metadata"]["version"])
    query = (
        select(CatalogVersion)
        .join(Catalog)
        .where(Catalog.key == BUILTIN_KEY, CatalogVersion.version == version_label)
    )
    existing = session.scalar(query)
    if existing is not None:
        _ensure_crosswalk(session, existing)
        return existing
    try:
        with session.begin_nested():
            version = import_catalog(
                session, data, BUILTIN_FILE, max_bytes=len(data), key=BUILTIN_KEY, builtin=True
            )
            ensure_builtin_mapping(session, version)
            return version
    except IntegrityError:
        stored = session.scalar(query)
        if stored is None:
            raise
        return stored


def _ensure_crosswalk(session: Session, version: CatalogVersion) -> None:
    """The CSF 2.0 crosswalk of a built-in version stored before crosswalks were shipped."""
    try:
        with session.begin_nested():
            ensure_builtin_mapping(session, version)
    except IntegrityError:
        pass  # another process stored it first


@dataclass(frozen=True)
class VersionSummary:
    key: str
    title: str
    title_ja: str | None
    version: str
    control_count: int
    builtin: bool
    imported_at: str
    version_id: int


def warnings_of(version: CatalogVersion) -> list[Problem]:
    """The warnings the import of ``version`` reported, to render in the reader's language."""
    stored = [
        (item["path"], item["message"], dict(item.get("params") or {})) for item in version.warnings_json
    ]
    # The messages were extracted where they were raised; a literal key here would look like one.
    return [Problem(path, message, params) for path, message, params in stored]


def has_level(session: Session, version_id: int, level: str) -> bool:
    found = session.scalar(
        select(Control.id).where(Control.version_id == version_id, Control.level == level).limit(1)
    )
    return found is not None


def list_versions(session: Session) -> list[VersionSummary]:
    rows = session.execute(
        select(Catalog, CatalogVersion).join(CatalogVersion).order_by(Catalog.key, CatalogVersion.id)
    ).all()
    return [
        VersionSummary(
            key=catalog.key,
            title=version.title,
            title_ja=version.title_ja,
            version=version.version,
            control_count=version.control_count,
            builtin=catalog.builtin,
            imported_at=version.imported_at.isoformat(timespec="seconds"),
            version_id=version.id,
        )
        for catalog, version in rows
    ]


def get_version(session: Session, key: str, version: str | None = None) -> CatalogVersion:
    """``version`` None means the newest version of the catalog."""
    query = select(CatalogVersion).join(Catalog).where(Catalog.key == key)
    if version is not None:
        query = query.where(CatalogVersion.version == version)
    found = session.scalar(query.order_by(CatalogVersion.id.desc()).limit(1))
    if found is None:
        raise CatalogNotFoundError(f"{key}@{version}" if version else key)
    return found


def resolve_reference(session: Session, reference: str) -> CatalogVersion:
    """``KEY`` (newest version) or ``KEY@VERSION``."""
    key, _sep, version = reference.partition("@")
    return get_version(session, key, version or None)


def _group_rows(session: Session, version_id: int) -> list[GroupRow]:
    rows = session.scalars(select(CatalogGroup).where(CatalogGroup.version_id == version_id)).all()
    return [
        GroupRow(
            key=row.id,
            parent_key=row.parent_id,
            position=row.position,
            depth=row.depth,
            oscal_id=row.oscal_id,
            group_class=row.group_class,
            title=row.title,
            title_ja=row.title_ja,
            label=row.label,
            body=row.body_json,
        )
        for row in rows
    ]


def _control_rows(session: Session, version_id: int) -> list[ControlRow]:
    rows = session.scalars(select(Control).where(Control.version_id == version_id)).all()
    return [
        ControlRow(
            key=row.id,
            group_key=row.group_id,
            parent_key=row.parent_control_id,
            position=row.position,
            depth=row.depth,
            oscal_id=row.oscal_id,
            control_class=row.control_class,
            label=row.label,
            title=row.title,
            title_ja=row.title_ja,
            statement=row.statement,
            statement_ja=row.statement_ja,
            guidance=row.guidance,
            guidance_ja=row.guidance_ja,
            level=row.level,
            weight=row.weight,
            search_text=row.search_text,
            body=row.body_json,
        )
        for row in rows
    ]


def export_document(session: Session, version: CatalogVersion) -> dict[str, Any]:
    """The OSCAL document of a stored version, as it was imported."""
    head: dict[str, Any] = {"uuid": version.oscal_uuid, "metadata": version.metadata_json}
    if version.params_json is not None:
        head["params"] = version.params_json
    head.update(version.extra_json)
    tail: dict[str, Any] = {}
    if version.back_matter_json is not None:
        tail["back-matter"] = version.back_matter_json
    catalog = assemble(head, _group_rows(session, version.id), _control_rows(session, version.id), tail)
    return {"catalog": catalog}


def controls_of(session: Session, version_id: int) -> list[Control]:
    return list(session.scalars(select(Control).where(Control.version_id == version_id).order_by(Control.id)))


def groups_of(session: Session, version_id: int) -> list[CatalogGroup]:
    return list(
        session.scalars(
            select(CatalogGroup).where(CatalogGroup.version_id == version_id).order_by(CatalogGroup.id)
        )
    )


def get_control(session: Session, version_id: int, oscal_id: str) -> Control | None:
    return session.scalar(
        select(Control).where(Control.version_id == version_id, Control.oscal_id == oscal_id)
    )


def control_ids_of(session: Session, version_id: int) -> set[str]:
    return set(session.scalars(select(Control.oscal_id).where(Control.version_id == version_id)))


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_controls(session: Session, version_id: int, query: str, limit: int = 200) -> list[Control]:
    """Controls whose id, label, titles or statements contain every term (NFKC, case-folded)."""
    terms = fold(query).split()
    if not terms:
        return []
    statement = select(Control).where(Control.version_id == version_id)
    for term in terms:
        statement = statement.where(Control.search_text.like(_like_pattern(term), escape="\\"))
    return list(session.scalars(statement.order_by(Control.id).limit(limit)))


def count_versions(session: Session) -> int:
    return session.scalar(select(func.count(CatalogVersion.id))) or 0
