"""An engagement's timeline: each phase's start and deadline computed from the framework's rules
(:mod:`cyberdelta.tlpt.frameworks`) and the actual end of the phases before it, kept on the phase
rows so that pages, reminders and the calendar read one answer (docs/tlpt.md, "Timeline rules")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.tlpt.frameworks import Scheduled, schedule, weekly_reports
from cyberdelta.tlpt.models import TlptEngagement, TlptPhase


def phase_rows(session: Session, engagement_id: int) -> Sequence[TlptPhase]:
    return session.scalars(
        select(TlptPhase).where(TlptPhase.engagement_id == engagement_id).order_by(TlptPhase.position)
    ).all()


def rules_of(engagement: TlptEngagement) -> dict[str, int]:
    rules: dict[str, int] = json.loads(engagement.rules)
    return rules


def computed(session: Session, engagement: TlptEngagement) -> list[Scheduled]:
    rows = phase_rows(session, engagement.id)
    return schedule(
        rules_of(engagement),
        engagement.notified_on,
        {row.phase: row.completed_on for row in rows if row.completed_on is not None},
        {row.phase: row.planned_on for row in rows if row.planned_on is not None},
    )


def refresh_deadlines(session: Session, engagement: TlptEngagement) -> list[Scheduled]:
    """Recompute every phase's start and deadline and store them on the phase rows."""
    session.flush()
    plan = computed(session, engagement)
    by_phase = {item.phase: item for item in plan}
    for row in phase_rows(session, engagement.id):
        item = by_phase[row.phase]
        row.starts_on, row.due_on = item.starts, item.due
    return plan


@dataclass(frozen=True)
class Deadline:
    """One date of the timeline, for the page and the calendar."""

    key: str
    phase: str
    on: date
    done: bool
    source: str


def deadlines(plan: Sequence[Scheduled]) -> list[Deadline]:
    """Every phase deadline, and the weekly reports of active red teaming."""
    found: list[Deadline] = []
    for item in plan:
        if item.phase == "active_red_teaming":
            for week, day in enumerate(weekly_reports(item), start=1):
                done = item.completed is not None and day <= item.completed
                found.append(
                    Deadline(f"weekly_report_{week}", item.phase, day, done, "RTS 2025/1190 Art. 11")
                )
        if item.due is not None:
            found.append(
                Deadline(item.phase, item.phase, item.due, item.completed is not None, item.rule.source)
            )
    return found
