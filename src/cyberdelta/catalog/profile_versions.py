"""Catalog versions resolved from OSCAL profiles (docs/catalog.md, "Profiles"): storing one, and
finding the version it was resolved over."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from cyberdelta.catalog.models import CatalogVersion
from cyberdelta.catalog.profiles import read_profile, resolve_with_warnings
from cyberdelta.catalog.service import export_document, import_catalog, resolve_reference


def import_profile(
    session: Session,
    data: bytes,
    source: str,
    *,
    catalog_reference: str,
    max_bytes: int,
    key: str | None = None,
) -> CatalogVersion:
    """Resolve an OSCAL profile over a stored catalog version (``KEY`` or ``KEY@VERSION``) and store
    the resolved catalog as a new published version that keeps the profile (docs/catalog.md,
    "Profiles")."""
    profile = read_profile(data, source, max_bytes)
    source_version = resolve_reference(session, catalog_reference)
    reference = f"{source_version.catalog.key}@{source_version.version}"
    resolution = resolve_with_warnings(profile, export_document(session, source_version), source, reference)
    payload = json.dumps(resolution.document, ensure_ascii=False).encode()
    return import_catalog(
        session,
        payload,
        source,
        max_bytes=max(max_bytes, len(payload)),
        key=key,
        profile=profile,
        source_version_id=source_version.id,
        more_warnings=resolution.warnings,
    )


def source_of(session: Session, version: CatalogVersion) -> CatalogVersion | None:
    """The catalog version a resolved profile selects from (None for an imported catalog)."""
    if version.source_version_id is None:
        return None
    return session.get(CatalogVersion, version.source_version_id)
