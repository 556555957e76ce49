"""The phases of an engagement as a state machine (docs/tlpt.md, "Phases"): one phase is current; it
ends when a test manager or the control team records its end date, which must not be before the
previous phase ended, in the future, or (active red teaming) before the minimum duration of RTS
2025/1190 Art. 11(5). Phases that produce a report need a deliverable first (RTS Art. 10(5), 11(3),
12(2), 12(4), 12(6), 13(1)). Test managers may set a deadline for a phase, never before the previous
phase ends nor past the regulatory one (:func:`plan_deadline`).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.tlpt.engagements import CONTROL_TEAM, TEST_MANAGER, _audit, seat
from cyberdelta.tlpt.errors import TlptError, _
from cyberdelta.tlpt.frameworks import CLOSED, PHASES, latest_allowed
from cyberdelta.tlpt.models import TlptDeliverable, TlptPhase, TlptProvider
from cyberdelta.tlpt.timeline import computed, phase_rows, refresh_deadlines, rules_of

# Phases whose end needs a deliverable of that phase uploaded first.
NEEDS_DELIVERABLE: Final = frozenset(
    {
        "threat_intelligence",
        "red_team_plan",
        "red_team_report",
        "blue_team_report",
        "test_summary",
        "remediation_plan",
    }
)


def _row(session: Session, engagement_id: int, phase: str) -> TlptPhase:
    found = session.scalars(
        select(TlptPhase).where(TlptPhase.engagement_id == engagement_id, TlptPhase.phase == phase)
    ).first()
    if found is None:
        raise TlptError(_("Unknown phase."), field="phase")
    return found


def complete_phase(
    session: Session, actor: Actor, engagement_id: int, *, phase: str, on: date, today: date | None = None
) -> str:
    """End the current phase ``phase`` on ``on``; returns the phase that is current next."""
    engagement = seat(session, actor, engagement_id, TEST_MANAGER, CONTROL_TEAM).engagement
    if phase not in PHASES:
        raise TlptError(_("Unknown phase."), field="phase")
    if engagement.phase != phase:
        raise TlptError(_("Only the current phase can end."), status=409, field="phase")
    if phase == "attestation":
        raise TlptError(
            _("The attestation ends when the authority and the firm have both signed it."),
            status=409,
            field="phase",
        )
    plan = {item.phase: item for item in computed(session, engagement)}
    item = plan[phase]
    if on > (today or date.today()):
        raise TlptError(_("A phase cannot end in the future."), field="on")
    if on < item.starts:
        raise TlptError(
            _("A phase cannot end before the previous phase ends (%(date)s)."),
            field="on",
            date=item.starts.isoformat(),
        )
    if phase == "active_red_teaming":
        weeks = rules_of(engagement)["active_minimum_weeks"]
        earliest = item.starts + timedelta(weeks=weeks)
        if on < earliest:
            raise TlptError(
                _("Active red teaming lasts at least %(weeks)s weeks: not before %(date)s."),
                field="on",
                weeks=weeks,
                date=earliest.isoformat(),
            )
    if phase == "scoping" and not json.loads(engagement.scope).get("functions"):
        raise TlptError(_("Record the scope first."), status=409, field="phase")
    if phase == "provider_selection":
        kinds = set(
            session.scalars(select(TlptProvider.kind).where(TlptProvider.engagement_id == engagement.id))
        )
        if kinds != {"ti", "red_team"}:
            raise TlptError(_("Select both providers first."), status=409, field="phase")
    if phase in NEEDS_DELIVERABLE and not session.scalar(
        select(func.count())
        .select_from(TlptDeliverable)
        .where(TlptDeliverable.engagement_id == engagement.id, TlptDeliverable.phase == phase)
    ):
        raise TlptError(_("Upload this phase's deliverable first."), status=409, field="phase")
    row = _row(session, engagement.id, phase)
    row.completed_on, row.completed_by = on, actor.user_id
    position = PHASES.index(phase)
    engagement.phase = PHASES[position + 1] if position + 1 < len(PHASES) else CLOSED
    refresh_deadlines(session, engagement)
    _audit(session, actor, "tlpt.phase_completed", engagement, phase=phase, on=on.isoformat())
    return engagement.phase


def plan_deadline(session: Session, actor: Actor, engagement_id: int, *, phase: str, due_on: date) -> None:
    """Set the deadline of a phase not yet ended (test managers): not before the previous phase ends,
    not before the minimum of active red teaming, not after a regulatory deadline."""
    engagement = seat(session, actor, engagement_id, TEST_MANAGER).engagement
    if phase not in PHASES:
        raise TlptError(_("Unknown phase."), field="phase")
    row = _row(session, engagement.id, phase)
    if row.completed_on is not None:
        raise TlptError(_("This phase has ended."), status=409, field="phase")
    plan = computed(session, engagement)
    item = next(entry for entry in plan if entry.phase == phase)
    if due_on < item.starts:
        raise TlptError(
            _("A deadline cannot be before the previous phase ends (%(date)s)."),
            field="due_on",
            date=item.starts.isoformat(),
        )
    rules = rules_of(engagement)
    if phase == "active_red_teaming" and due_on < item.starts + timedelta(
        weeks=rules["active_minimum_weeks"]
    ):
        raise TlptError(
            _("Active red teaming lasts at least %(weeks)s weeks: not before %(date)s."),
            field="due_on",
            weeks=rules["active_minimum_weeks"],
            date=(item.starts + timedelta(weeks=rules["active_minimum_weeks"])).isoformat(),
        )
    limit = latest_allowed(rules, item, engagement.notified_on, plan)
    if limit is not None and due_on > limit:
        raise TlptError(
            _("The rules set this deadline at %(date)s at the latest (%(source)s)."),
            field="due_on",
            date=limit.isoformat(),
            source=item.rule.source,
        )
    row.planned_on = due_on
    refresh_deadlines(session, engagement)
    _audit(session, actor, "tlpt.deadline_planned", engagement, phase=phase, due_on=due_on.isoformat())


def current_row(session: Session, engagement_id: int) -> TlptPhase | None:
    return next((row for row in phase_rows(session, engagement_id) if row.completed_on is None), None)
