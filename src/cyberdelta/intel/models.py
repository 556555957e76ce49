"""Tables of the intelligence hub: TAXII 2.1 collections, stored STIX 2.1 objects, status resources.

Objects are stored once per (collection, id, modified) version with the original JSON kept as text,
so that a TAXII read returns the bytes without re-parsing them. Timestamps used for ordering and
paging are integers (microseconds since the Unix epoch): they sort identically on SQLite and
PostgreSQL and keep the microsecond precision STIX 2.1 §3.2 allows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from cyberdelta.platform.db.base import Base, utcnow


class IntelCollection(Base):
    """A TAXII 2.1 collection (§5.2) and its sharing settings.

    ``title`` is the TAXII title every client sees; ``title_ja`` is the Japanese title the pages show
    in Japanese (empty: the same title in both languages).
    ``default_tlp`` marks objects that arrive without a TLP marking (TLP 2.0). ``public_read`` lets
    anonymous clients read the collection (they still receive TLP:CLEAR objects only);
    ``members_read``/``members_write`` open it to every organisation whose role grants intel:read /
    intel:write; otherwise :class:`IntelCollectionAccess` rows grant access per organisation.
    """

    __tablename__ = "intel_collection"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    alias: Mapped[str | None] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)
    title_ja: Mapped[str] = mapped_column(Text, default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="")
    default_tlp: Mapped[str] = mapped_column(String(20), default="amber")
    public_read: Mapped[bool] = mapped_column(Boolean, default=False)
    members_read: Mapped[bool] = mapped_column(Boolean, default=True)
    members_write: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntelCollectionAccess(Base):
    """Read/write on one collection granted to one organisation (TAXII 2.1 §5.2 can_read/can_write)."""

    __tablename__ = "intel_collection_access"
    __table_args__ = (UniqueConstraint("collection_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[str] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    can_read: Mapped[bool] = mapped_column(Boolean, default=True)
    can_write: Mapped[bool] = mapped_column(Boolean, default=False)


def byte_order_text(length: int) -> TypeEngine[str]:
    """ASCII identifiers compared byte by byte: PostgreSQL's ``"C"`` collation (SQLite's default).

    STIX ids (``type--UUID``, STIX 2.1 §2.9) and collection UUIDs have no linguistic order; the
    locale's collation made every comparison in the (collection, id, version) index a ``strcoll``
    call, a fifth of the cost of storing an envelope.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class IntelObject(Base):
    """One version of one STIX 2.1 object in one collection.

    ``tlp`` is the resolved TLP 2.0 level; ``publisher_organisation_id`` is the organisation that
    published the version (also when it was published anonymously and shows the ISAC as creator);
    ``recipients`` lists the organisation ids a TLP:RED (or further-shared TLP:AMBER+STRICT)
    object is addressed to. ``is_latest`` is maintained on write so that the default
    ``match[version]=last`` read is an index scan. ``sighting_of_ref`` is
    a sighting's ``sighting_of_ref`` (STIX 2.1 §5.2), empty for every other type: the feed counts
    an indicator's sightings through its partial index.
    """

    __tablename__ = "intel_object"
    __table_args__ = (
        # Also serves lookups by (collection, STIX id): no separate index, one B-tree less per insert.
        UniqueConstraint("collection_id", "stix_id", "modified_us"),
        Index("ix_intel_object_collection_added", "collection_id", "date_added_us", "id"),
        # Partial: only sightings have an entry, so other objects cost the index nothing on insert.
        Index(
            "ix_intel_object_sighting_of",
            "sighting_of_ref",
            "collection_id",
            sqlite_where=text("sighting_of_ref IS NOT NULL"),
            postgresql_where=text("sighting_of_ref IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    # No foreign key: its trigger ran once per stored row (a quarter of PostgreSQL's work per
    # envelope); the store checks and locks the collection once per envelope instead
    # (cyberdelta.intel.store.lock_collection), and collections are never deleted.
    collection_id: Mapped[str] = mapped_column(byte_order_text(36))
    stix_id: Mapped[str] = mapped_column(byte_order_text(120))
    stix_type: Mapped[str] = mapped_column(String(250))
    spec_version: Mapped[str] = mapped_column(String(10))
    modified_us: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[str] = mapped_column(String(40))
    date_added_us: Mapped[int] = mapped_column(BigInteger)
    is_latest: Mapped[bool] = mapped_column(Boolean)
    tlp: Mapped[str] = mapped_column(String(20))
    publisher_organisation_id: Mapped[int | None] = mapped_column(Integer)
    recipients: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    sighting_of_ref: Mapped[str | None] = mapped_column(byte_order_text(120), default=None)
    body: Mapped[str] = mapped_column(Text)


class IntelObjectOwner(Base):
    """The organisation that owns a STIX id within the hub (docs/intel.md, "Ownership").

    The first organisation to store an id owns it, in every collection; for an object published
    anonymously that is the true publisher, while the object shows the ISAC as its creator. Only
    the owner adds versions of the id, revokes it (STIX 2.1 §3.6) or deletes it.
    """

    __tablename__ = "intel_object_owner"

    stix_id: Mapped[str] = mapped_column(byte_order_text(120), primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer)


class IntelStatus(Base):
    """A TAXII 2.1 status resource (§4.3.1): the outcome of one POST of an envelope."""

    __tablename__ = "intel_status"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    collection_id: Mapped[str] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    request_timestamp_us: Mapped[int] = mapped_column(BigInteger)
    total_count: Mapped[int] = mapped_column(Integer)
    success_count: Mapped[int] = mapped_column(Integer)
    failure_count: Mapped[int] = mapped_column(Integer)
    pending_count: Mapped[int] = mapped_column(Integer)
    # Of the successes, the versions this envelope stored (the others were stored before: a
    # re-import adds nothing); unknown (None) for statuses older than migration 0020.
    new_count: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    # Written once, read back whole: JSON text (migration 0009), not JSONB.
    successes: Mapped[list[Any]] = mapped_column(JSON)
    failures: Mapped[list[Any]] = mapped_column(JSON)


class IntelPendingEnvelope(Base):
    """An envelope accepted with status ``pending`` (TAXII 2.1 §5.5), held until a worker stores it.

    The objects are kept as the JSON text that was posted, in the database, so that a restart or a
    crash between the 202 answer and the background work loses nothing; the row is deleted in the
    same transaction that stores the objects and completes the status resource.
    """

    __tablename__ = "intel_pending_envelope"

    status_id: Mapped[str] = mapped_column(
        ForeignKey("intel_status.id", ondelete="CASCADE"), primary_key=True
    )
    collection_id: Mapped[str] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(200))
    objects: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
