"""Stored benchmark results (docs/benchmark.md, "What is computed"), replaced as a whole at each
publication of a cycle (docs/benchmark.md, "Publications").

``benchmark_figure`` holds one published-or-suppressed figure per cycle × peer group × scope
(``overall``, ``domain`` or ``control``) × key. A suppressed row keeps only its reason: the numbers
of a suppressed cell are never stored, so no page or export can leak them by mistake.
``benchmark_position`` holds each firm's own scores and percentile ranks per published
overall/domain figure, so that "where you stand" needs no other firm's values at request time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cyberdelta.platform.db.base import Base, JSONValue, utcnow


class BenchmarkFigure(Base):
    __tablename__ = "benchmark_figure"
    __table_args__ = (UniqueConstraint("cycle_id", "peer_group", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"), index=True)
    peer_group: Mapped[str] = mapped_column(String(60))
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(200))
    published: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(20))
    count: Mapped[int | None] = mapped_column(Integer)
    p10: Mapped[float | None] = mapped_column(Float)
    p25: Mapped[float | None] = mapped_column(Float)
    median: Mapped[float | None] = mapped_column(Float)
    p75: Mapped[float | None] = mapped_column(Float)
    p90: Mapped[float | None] = mapped_column(Float)
    gap_share: Mapped[float | None] = mapped_column(Float)
    # Which numbers are top- or bottom-coded ({"p90": "at-least"}, benchmark.disclosure), and for a
    # figure kept from an earlier publication, that publication's number.
    coded: Mapped[dict[str, str] | None] = mapped_column(JSONValue, nullable=True)
    carried_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class BenchmarkPublication(Base):
    """One publication of a cycle's figures, or an attempt the reconstruction audit refused
    (docs/benchmark.md, "Publications"). ``record`` is what it published and from whom
    (:class:`cyberdelta.benchmark.history.Record`); ``findings`` the audit's findings (a refused
    publication) or the figures it withheld (a made one)."""

    __tablename__ = "benchmark_publication"
    __table_args__ = (UniqueConstraint("cycle_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    made: Mapped[bool] = mapped_column(Boolean)
    trigger: Mapped[str] = mapped_column(String(20))
    submissions: Mapped[int] = mapped_column(Integer)
    record: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue)
    audit_seconds: Mapped[float] = mapped_column(Float)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)


class BenchmarkPosition(Base):
    """One firm's positions in one cycle: ``ranks[group][key] = [score, band low, band high]`` for every
    published overall/domain figure of every group it belongs to (the percentile rank only as its
    band, benchmark.disclosure) (one row per firm keeps the
    recomputation's insert small: 1,000 rows rather than 30,000)."""

    __tablename__ = "benchmark_position"
    __table_args__ = (UniqueConstraint("cycle_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    ranks: Mapped[dict[str, Any]] = mapped_column(JSONValue)
