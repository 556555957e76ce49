"""A batch run of feedback reports (docs/benchmark.md), kept in the database so that the page survives
a restart and every supervisor sees the same run (docs/architecture.md, "Background jobs": nothing only in
one process's memory).

``active_cycle_id`` equals ``cycle_id`` while the run is queued or running and is cleared when it
ends; its unique constraint lets the database itself refuse a second concurrent run of one cycle
(several NULLs are allowed on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberdelta.platform.db.base import Base, JSONValue, utcnow


class FeedbackRun(Base):
    __tablename__ = "benchmark_feedback_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"), index=True)
    active_cycle_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # [{"file": name, "organisation_id": id or None}] of every PDF written, industry report first.
    files: Mapped[list[Any]] = mapped_column(JSONValue, default=list)
    # [{"organisation_id": id, "name_en": ..., "name_ja": ..., "error": text}] of every firm that failed.
    failures: Mapped[list[Any]] = mapped_column(JSONValue, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    started_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
