"""Screening tables: imported list versions and their address entries (docs/screening.md, "Lists").

A list version is one imported file, kept as it was imported: the source it came from, the
SHA-256 of its bytes, when it was published (when the file says) and imported, and its entries.
Screening uses the newest version of each source; older versions stay so that a decision recorded
in the audit trail can be traced to the entries it was made against.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

import cyberdelta.tenancy.models  # noqa: F401 (the user_account table imported_by refers to)
from cyberdelta.platform.db.base import Base, utcnow


class ScreeningListVersion(Base):
    """One imported version of a list (an OFAC SDN file, the UN list, the MoF workbook, …)."""

    __tablename__ = "screening_list_version"
    __table_args__ = (Index("ix_screening_list_version_source_imported", "source", "imported_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(300))
    content_sha256: Mapped[str] = mapped_column(String(64))
    published_on: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)

    entries: Mapped[list[ScreeningEntry]] = relationship(
        back_populates="version", cascade="all, delete-orphan", passive_deletes=True
    )


class ScreeningEntry(Base):
    """One listed address: the key it is matched by (in its key space) and how the list wrote it."""

    __tablename__ = "screening_entry"
    __table_args__ = (Index("ix_screening_entry_space_key", "space", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("screening_list_version.id", ondelete="CASCADE"), index=True
    )
    chain: Mapped[str] = mapped_column(String(40))
    space: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(300))
    original: Mapped[str] = mapped_column(String(300))
    entry_ref: Mapped[str | None] = mapped_column(String(100))
    entry_name: Mapped[str | None] = mapped_column(Text)
    programme: Mapped[str | None] = mapped_column(Text)

    version: Mapped[ScreeningListVersion] = relationship(back_populates="entries")


class ScreeningListSettings(Base):
    """Which list sources apply to one organisation's screening (docs/screening.md, "Which lists
    apply"). The row keeps the sources the firm excluded, so that a source added later applies
    until the firm decides otherwise; no row: every source applies."""

    __tablename__ = "screening_list_settings"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    excluded_sources: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
