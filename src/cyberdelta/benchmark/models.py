"""Stored benchmark results (docs/benchmark.md, "What is computed"), recomputed as a whole per cycle.

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
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class BenchmarkPosition(Base):
    """One firm's positions in one cycle: ``ranks[group][key] = [score, percentile rank]`` for every
    published overall/domain figure of every group it belongs to (one row per firm keeps the
    recomputation's insert small: 1,000 rows rather than 30,000)."""

    __tablename__ = "benchmark_position"
    __table_args__ = (UniqueConstraint("cycle_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    ranks: Mapped[dict[str, Any]] = mapped_column(JSONValue)
