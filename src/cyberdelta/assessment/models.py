"""Self-assessment tables (docs/assessment.md): profile, cycle, assessment, response, evidence, improvement
item, workflow event and report job. Every row that holds a firm's data carries its
``organisation_id``; services filter on it (docs/security.md).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cyberdelta.platform.db.base import Base, JSONValue, utcnow


def new_uuid() -> str:
    return str(uuid.uuid4())


class RiskProfile(Base):
    """An organisation's inherent-risk answers (see ``assessment.targets.InherentRiskProfile``)."""

    __tablename__ = "assessment_risk_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cycle(Base):
    """An assessment round (e.g. administrative year 2026) fixing the catalog version.

    ``previous_cycle_id`` is the cycle its year-over-year figures compare with, chosen when it is
    opened (by default the latest cycle before it; none for a first or a stand-alone cycle).
    """

    __tablename__ = "assessment_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    catalog_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="RESTRICT"))
    previous_cycle_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_cycle.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assessment(Base):
    """One organisation in one cycle, one revision; a returned revision is kept and a new one opened."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("organisation_id", "cycle_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="RESTRICT"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    targets: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_off_at: Mapped[datetime | None]
    signed_off_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    signed_off_by_name: Mapped[str | None] = mapped_column(String(200))
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)

    cycle: Mapped[Cycle] = relationship()


class Response(Base):
    """The answer to one control; ``version`` increases with every save (optimistic concurrency)."""

    __tablename__ = "assessment_response"
    __table_args__ = (
        UniqueConstraint("assessment_id", "control_id"),
        CheckConstraint("maturity IS NULL OR (maturity >= 0 AND maturity <= 5)", name="maturity_range"),
        CheckConstraint("target_override IS NULL OR (target_override >= 0 AND target_override <= 5)",
                        name="target_range"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    control_id: Mapped[str] = mapped_column(String(200))
    maturity: Mapped[int | None] = mapped_column(Integer)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    na_reason: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    target_override: Mapped[int | None] = mapped_column(Integer)
    target_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class Evidence(Base):
    """An uploaded file (content stored once by SHA-256 under ``data_dir``) or a link."""

    __tablename__ = "assessment_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str | None] = mapped_column(String(300))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class EvidenceUse(Base):
    """One piece of evidence attached to one response (a piece may support several controls)."""

    __tablename__ = "assessment_evidence_use"
    __table_args__ = (UniqueConstraint("response_id", "evidence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("assessment_response.id", ondelete="CASCADE"))
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_evidence.id", ondelete="CASCADE"), index=True
    )


class ImprovementItem(Base):
    """A POA&M entry: the gap it closes, owner, due date, milestone status, derived priority."""

    __tablename__ = "assessment_improvement_item"
    __table_args__ = (UniqueConstraint("organisation_id", "cycle_id", "control_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="RESTRICT"))
    control_id: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(50))
    gap_kind: Mapped[str] = mapped_column(String(20))
    current: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)
    priority: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class WorkflowEvent(Base):
    """Every state transition of an assessment, who made it and when."""

    __tablename__ = "assessment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportJob(Base):
    """A PDF rendering job; its progress is stored here so that any app process can answer the poll."""

    __tablename__ = "assessment_report_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
