"""Publishing a catalog version from a file, audited with its actor (docs/catalog.md; docs/
architecture.md, "Actors and the audit trail"): the entry names the version, its control count
and the file's SHA-256, so what a cycle was assessed against can be traced to the file imported."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from cyberdelta.catalog.mappings import import_mapping, reference_of
from cyberdelta.catalog.models import CatalogVersion, ControlMapping
from cyberdelta.catalog.profile_versions import import_profile
from cyberdelta.catalog.service import import_catalog
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit


def publish_catalog(
    session: Session, actor: Actor, data: bytes, source: str, *, max_bytes: int, key: str | None = None
) -> CatalogVersion:
    """Import an OSCAL catalog as a new published version (all or nothing, :func:`import_catalog`)."""
    version = import_catalog(session, data, source, max_bytes=max_bytes, key=key)
    audit(
        session,
        actor,
        "catalog.imported",
        object_type="catalog_version",
        object_id=version.id,
        details={
            "key": version.catalog.key,
            "version": version.version,
            "controls": version.control_count,
            "file": source,
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return version


def publish_profile(
    session: Session,
    actor: Actor,
    data: bytes,
    source: str,
    *,
    catalog_reference: str,
    max_bytes: int,
    key: str | None = None,
) -> CatalogVersion:
    """Resolve an OSCAL profile over a stored catalog and publish the result (:func:`import_profile`);
    the entry names the profile file's SHA-256 and the catalog version it was resolved over."""
    version = import_profile(
        session, data, source, catalog_reference=catalog_reference, max_bytes=max_bytes, key=key
    )
    source_version = session.get(CatalogVersion, version.source_version_id)
    audit(
        session,
        actor,
        "catalog.profile_imported",
        object_type="catalog_version",
        object_id=version.id,
        details={
            "key": version.catalog.key,
            "version": version.version,
            "controls": version.control_count,
            "file": source,
            "sha256": hashlib.sha256(data).hexdigest(),
            "source": f"{source_version.catalog.key}@{source_version.version}" if source_version else None,
        },
    )
    return version


def publish_mapping(
    session: Session, actor: Actor, data: bytes, source: str, version: CatalogVersion, *, max_bytes: int
) -> ControlMapping:
    """Import an OSCAL mapping collection for a stored catalog version (all or nothing,
    :func:`import_mapping`); the entry names the collection, its entry count and the file's SHA-256."""
    mapping = import_mapping(session, data, source, version, max_bytes=max_bytes)
    audit(
        session,
        actor,
        "catalog.mapping_imported",
        object_type="catalog_mapping",
        object_id=mapping.id,
        details={
            "catalog": reference_of(version),
            "uuid": mapping.oscal_uuid,
            "entries": mapping.entry_count,
            "csf": mapping.csf,
            "file": source,
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return mapping
