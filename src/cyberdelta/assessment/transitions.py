"""Workflow operations on stored assessments (docs/assessment.md): each transition is a compare-and-set on
the state column, recorded as a :class:`WorkflowEvent` and in the hash-chained audit log.

Sign-off (executive approver, after a passkey step-up checked by the route) needs every control
answered, freezes a snapshot of the answers, scores and targets, and records who approved when.
A returned submission stays as it was; work continues in a new revision (a copy as a draft).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cyberdelta.assessment import service
from cyberdelta.assessment.errors import AssessmentError, NotFoundError
from cyberdelta.assessment.evidence import evidence_by_response
from cyberdelta.assessment.models import Assessment, EvidenceUse, Response, WorkflowEvent
from cyberdelta.assessment.workflow import Action, State, TransitionError, next_state
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _


def events_of(session: Session, assessment: Assessment) -> list[WorkflowEvent]:
    return list(
        session.scalars(
            select(WorkflowEvent)
            .where(WorkflowEvent.assessment_id == assessment.id)
            .order_by(WorkflowEvent.id)
        )
    )


def snapshot(session: Session, assessment: Assessment) -> dict[str, Any]:
    """Everything the signed-off submission says, frozen as JSON, including the inherent-risk
    profile as it was at sign-off (benchmark peer groups are taken from it, docs/benchmark.md, "What is
    computed")."""
    result = service.summary(session, assessment)
    responses = service.responses_of(session, assessment)
    evidence = evidence_by_response(session, assessment)
    return {
        "scores": result.domains,
        "overall": result.overall,
        "targets": assessment.targets,
        "profile": service.profile_answers(service.get_profile(session, assessment.organisation_id)),
        "responses": {
            control_id: {
                "maturity": row.maturity,
                "not_applicable": row.not_applicable,
                "na_reason": row.na_reason,
                "comment": row.comment,
                "owner": row.owner,
                "target_override": row.target_override,
                "evidence": [item.title for item in evidence.get(row.id, [])],
                # What was signed, by content: a file by its SHA-256, a link by its address.
                "evidence_signed": [
                    {"title": item.title, "sha256": item.sha256, "url": item.url}
                    for item in evidence.get(row.id, [])
                ],
            }
            for control_id, row in responses.items()
        },
    }


def transition(
    session: Session,
    assessment: Assessment,
    action: Action,
    *,
    actor: Actor,
    user_name: str | None = None,
    comment: str = "",
) -> Assessment:
    """Apply ``action`` for ``actor`` (audited as ``assessment.<action>``); raises
    :class:`TransitionError` or :class:`AssessmentError` and changes nothing."""
    user_id = actor.user_id
    current = State(assessment.state)
    target = next_state(current, action)
    if action is Action.SIGN_OFF:
        missing = service.summary(session, assessment).unanswered
        if missing:
            raise AssessmentError(
                "responses",
                _(
                    "%(count)s controls are not answered yet (first: %(first)s).",
                    count=len(missing),
                    first=missing[0],
                ),
            )
    if len(comment) > service.MAX_TEXT:
        raise AssessmentError("comment", _("longer than %(max)s characters", max=service.MAX_TEXT))
    # Compare-and-set: a concurrent transition of the same assessment makes this one fail cleanly.
    changed = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.state == current.value)
        .values(state=target.value)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(assessment)
        raise TransitionError(State(assessment.state), action)
    session.refresh(assessment)
    if action is Action.SIGN_OFF:
        assessment.signed_off_at = utcnow()
        assessment.signed_off_by_user_id = user_id
        assessment.signed_off_by_name = user_name
        assessment.snapshot = snapshot(session, assessment)
    session.add(
        WorkflowEvent(
            assessment_id=assessment.id,
            action=action.value,
            from_state=current.value,
            to_state=target.value,
            user_id=user_id,
            comment=comment,
        )
    )
    audit(
        session,
        actor,
        f"assessment.{action.value}",
        organisation_id=assessment.organisation_id,
        object_type="assessment",
        object_id=assessment.id,
        details={"from": current.value, "to": target.value, "revision": assessment.revision},
    )
    session.flush()
    return assessment


def reopen(session: Session, returned: Assessment, *, actor: Actor) -> Assessment:
    """A new draft revision copying the returned one's answers and evidence; the old one is kept."""
    if returned.state != State.RETURNED:
        raise AssessmentError("state", _("Only a returned assessment can be reopened."))
    existing = session.scalar(select(Assessment).where(Assessment.previous_id == returned.id))
    if existing is not None:
        return existing
    fresh = Assessment(
        organisation_id=returned.organisation_id,
        cycle_id=returned.cycle_id,
        revision=returned.revision + 1,
        previous_id=returned.id,
        state=State.DRAFT,
        targets=dict(returned.targets),
    )
    session.add(fresh)
    session.flush()
    for row in service.responses_of(session, returned).values():
        copy = Response(
            assessment_id=fresh.id,
            control_id=row.control_id,
            maturity=row.maturity,
            not_applicable=row.not_applicable,
            na_reason=row.na_reason,
            comment=row.comment,
            owner=row.owner,
            target_override=row.target_override,
            target_reason=row.target_reason,
            version=1,
        )
        session.add(copy)
        session.flush()
        for use in session.scalars(select(EvidenceUse).where(EvidenceUse.response_id == row.id)):
            session.add(EvidenceUse(response_id=copy.id, evidence_id=use.evidence_id))
    audit(
        session,
        actor,
        "assessment.reopen",
        organisation_id=fresh.organisation_id,
        object_type="assessment",
        object_id=fresh.id,
        details={"previous": returned.id, "revision": fresh.revision},
    )
    session.flush()
    return fresh


def submitted_for_review(session: Session, assessment_id: int) -> Assessment:
    """For the supervisor (docs/accounts.md, "Roles and what each may do"): only submitted or later
    assessments of any firm are visible."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.state in (State.DRAFT, State.IN_REVIEW):
        raise NotFoundError(assessment_id)
    return assessment
