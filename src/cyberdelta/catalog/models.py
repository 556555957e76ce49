"""Catalog tables: a catalog has immutable published versions; each holds a tree of groups and controls.

The tree keeps everything an OSCAL 1.1 catalog can say (groups within groups, controls within
controls, params, props, links, parts and any further keys) so that an export gives back the
imported content. Searchable text in both languages is extracted into plain columns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from cyberdelta.platform.db.base import Base, JSONValue, utcnow


class Catalog(Base):
    """A catalog lineage, e.g. the built-in CSSA catalog or NIST SP 800-53; versions hang below it."""

    __tablename__ = "catalog"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)
    title_ja: Mapped[str | None] = mapped_column(Text)
    builtin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[CatalogVersion]] = relationship(
        back_populates="catalog", order_by="CatalogVersion.id", cascade="all, delete-orphan"
    )


class CatalogVersion(Base):
    """One published, immutable version of a catalog (one imported OSCAL document)."""

    __tablename__ = "catalog_version"
    __table_args__ = (UniqueConstraint("catalog_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalog_id: Mapped[int] = mapped_column(ForeignKey("catalog.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(100))
    oscal_uuid: Mapped[str] = mapped_column(String(36))
    oscal_version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    title_ja: Mapped[str | None] = mapped_column(Text)
    metadata_json: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    params_json: Mapped[list[Any] | None] = mapped_column(JSONValue)
    back_matter_json: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    extra_json: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    content_sha256: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(Text)
    control_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    warnings_json: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONValue, default=list, server_default=text("'[]'")
    )
    """Problems the import accepted and reports: ``{"path", "message", "params"}`` (docs/catalog.md)."""
    profile_json: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    """For a version resolved from an OSCAL profile: the profile document."""
    source_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_version.id", ondelete="SET NULL")
    )
    """For a version resolved from a profile: the catalog version the profile imports."""

    catalog: Mapped[Catalog] = relationship(back_populates="versions")


class CatalogGroup(Base):
    """An OSCAL group (for the built-in catalog: a domain such as GV, or an area such as GV-1)."""

    __tablename__ = "catalog_group"
    __table_args__ = (Index("ix_catalog_group_version_parent", "version_id", "parent_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_group.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer)
    oscal_id: Mapped[str | None] = mapped_column(String(200))
    group_class: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    title_ja: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(200))
    body_json: Mapped[dict[str, Any]] = mapped_column(JSONValue)


class Control(Base):
    """An OSCAL control, or a control within a control (an enhancement)."""

    __tablename__ = "catalog_control"
    __table_args__ = (
        UniqueConstraint("version_id", "oscal_id"),
        Index("ix_catalog_control_version_group", "version_id", "group_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_group.id", ondelete="CASCADE"))
    parent_control_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_control.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer)
    oscal_id: Mapped[str] = mapped_column(String(200))
    control_class: Mapped[str | None] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    title_ja: Mapped[str | None] = mapped_column(Text)
    statement: Mapped[str] = mapped_column(Text, default="")
    statement_ja: Mapped[str | None] = mapped_column(Text)
    guidance: Mapped[str] = mapped_column(Text, default="")
    guidance_ja: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(20))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    search_text: Mapped[str] = mapped_column(Text)
    body_json: Mapped[dict[str, Any]] = mapped_column(JSONValue)


class ControlMapping(Base):
    """An imported OSCAL mapping collection (OSCAL 1.2 ``mapping-collection``) whose one side is a
    stored catalog version, e.g. the built-in catalog's crosswalk to NIST CSF 2.0 (docs/catalog.md,
    "Mappings"). The document is kept as imported, for export."""

    __tablename__ = "catalog_mapping"
    __table_args__ = (UniqueConstraint("version_id", "oscal_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="CASCADE"), index=True)
    oscal_uuid: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(Text)
    title_ja: Mapped[str | None] = mapped_column(Text)
    other_side: Mapped[str] = mapped_column(Text)
    """The other resource's title or address, e.g. "NIST CSF 2.0"."""
    csf: Mapped[bool] = mapped_column(default=False)
    """Whether the other side of any of its mappings is NIST CSF 2.0 (every id there is a CSF 2.0
    subcategory)."""
    source_name: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    document_json: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    entry_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class ControlMappingEntry(Base):
    """One control of the catalog version related to one item of the other side."""

    __tablename__ = "catalog_mapping_entry"
    __table_args__ = (Index("ix_catalog_mapping_entry_mapping_control", "mapping_id", "control_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mapping_id: Mapped[int] = mapped_column(ForeignKey("catalog_mapping.id", ondelete="CASCADE"))
    control_id: Mapped[str] = mapped_column(String(200))
    other_id: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(60))
    """IR 8477 set-theory relationship, read from the control's side (``subset-of``: the control
    asks less than the other item)."""


class ImmutableCatalogError(Exception):
    """A published catalog version was about to change; versions are append-only."""


def _refuse_update(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    raise ImmutableCatalogError(f"published catalog content is immutable ({type(target).__name__})")


for _model in (CatalogVersion, CatalogGroup, Control, ControlMapping, ControlMappingEntry):
    event.listen(_model, "before_update", _refuse_update)
