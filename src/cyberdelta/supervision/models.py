"""Cycle schedule, participants and per-control review comments (docs/benchmark.md, "Collection").

These extend ``assessment_cycle`` without changing it: a cycle opened by the supervisor has a
:class:`CycleSchedule` (open/close dates, reminder lead time) and a participant list.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cyberdelta.platform.db.base import Base, utcnow


class CycleSchedule(Base):
    __tablename__ = "supervision_cycle_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    remind_days_before: Mapped[int] = mapped_column(Integer, default=14)
    opened_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CycleParticipant(Base):
    __tablename__ = "supervision_cycle_participant"
    __table_args__ = (UniqueConstraint("cycle_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))


class ReviewComment(Base):
    """The supervisor's comment on one control of a returned submission, shown to the firm."""

    __tablename__ = "supervision_review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    control_id: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSent(Base):
    """One deadline reminder sent to one participant (docs/benchmark.md).

    Unique per cycle × organisation × kind × close date, so running the sender again sends nothing
    new, and moving the deadline opens a new reminder window.
    """

    __tablename__ = "supervision_reminder"
    __table_args__ = (UniqueConstraint("cycle_id", "organisation_id", "kind", "closes_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    closes_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date)
    recipients: Mapped[int] = mapped_column(Integer)
    sent_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
