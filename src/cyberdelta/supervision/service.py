"""Cycles opened by the supervisor and the collection of their submissions (docs/benchmark.md).

The assessment workflow itself (states, sign-off, accept, return, reopen) belongs to
:mod:`cyberdelta.assessment.transitions`; this module adds the cycle's schedule and participants,
the collection dashboard, audited reads of one submission and per-control return comments.
The caller owns the transaction; every function raises :class:`SupervisionError` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment import transitions
from cyberdelta.assessment.models import Assessment, Cycle, Response, WorkflowEvent
from cyberdelta.assessment.service import LATEST, Latest, new_cycle
from cyberdelta.assessment.workflow import Action, State
from cyberdelta.catalog.models import CatalogVersion
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.supervision.models import CycleParticipant, CycleSchedule, ReviewComment
from cyberdelta.tenancy.models import Organisation, OrganisationKind

NOT_STARTED = "not_started"


class SupervisionError(DomainError, ValueError):
    """A cycle or review request that cannot be carried out; names the field."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def exchanges(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.EXCHANGE.value)
            .order_by(Organisation.id)
        )
    )


def open_cycle(
    session: Session,
    *,
    name: str,
    catalog_version_id: int,
    opens_on: date,
    closes_on: date,
    participant_ids: Sequence[int],
    remind_days_before: int = 14,
    previous_cycle_id: int | Latest | None = LATEST,
    actor: Actor,
) -> Cycle:
    """Create a cycle with its schedule and participants (all checked before anything is written).
    Its year-over-year figures compare with ``previous_cycle_id``: the latest cycle unless said,
    ``None`` for none."""
    name = name.strip()
    if not name or len(name) > 100:
        raise SupervisionError("name", _("a name of 1 to 100 characters is required"))
    if session.scalar(select(Cycle).where(Cycle.name == name)) is not None:
        raise SupervisionError("name", _("a cycle with this name already exists"))
    if session.get(CatalogVersion, catalog_version_id) is None:
        raise SupervisionError("catalog_version_id", _("unknown catalog version"))
    if closes_on <= opens_on:
        raise SupervisionError("closes_on", _("the close date must be after the open date"))
    if not 0 <= remind_days_before <= 365:
        raise SupervisionError("remind_days_before", _("must be between 0 and %(max)s", max=365))
    valid = {org.id for org in exchanges(session)}
    chosen = sorted(set(participant_ids))
    if not chosen:
        raise SupervisionError("participants", _("choose at least one exchange"))
    if any(org_id not in valid for org_id in chosen):
        raise SupervisionError("participants", _("only exchanges can take part in a cycle"))
    if isinstance(previous_cycle_id, int) and session.get(Cycle, previous_cycle_id) is None:
        raise SupervisionError("previous_cycle_id", _("unknown cycle"))
    cycle = new_cycle(session, name, catalog_version_id, previous_cycle_id)
    session.add(
        CycleSchedule(
            cycle_id=cycle.id,
            opens_on=opens_on,
            closes_on=closes_on,
            remind_days_before=remind_days_before,
            opened_by_user_id=actor.user_id,
        )
    )
    session.add_all(CycleParticipant(cycle_id=cycle.id, organisation_id=org_id) for org_id in chosen)
    audit(
        session,
        actor,
        "cycle.open",
        object_type="assessment_cycle",
        object_id=cycle.id,
        details={"name": name, "participants": len(chosen), "previous_cycle_id": cycle.previous_cycle_id},
    )
    session.flush()
    return cycle


def cycles_with_schedules(session: Session) -> list[tuple[Cycle, CycleSchedule | None, Cycle | None]]:
    """Every cycle, oldest first, with its schedule and the cycle it compares with."""
    previous = aliased(Cycle)
    rows = session.execute(
        select(Cycle, CycleSchedule, previous)
        .outerjoin(CycleSchedule, CycleSchedule.cycle_id == Cycle.id)
        .outerjoin(previous, previous.id == Cycle.previous_cycle_id)
        .order_by(Cycle.id)
    )
    return [(cycle, schedule, before) for cycle, schedule, before in rows]


def schedule_of(session: Session, cycle_id: int) -> CycleSchedule | None:
    return session.scalar(select(CycleSchedule).where(CycleSchedule.cycle_id == cycle_id))


def participant_ids(session: Session, cycle_id: int) -> list[int]:
    return list(
        session.scalars(select(CycleParticipant.organisation_id).where(CycleParticipant.cycle_id == cycle_id))
    )


def cycles_for(session: Session, organisation_id: int) -> list[tuple[Cycle, CycleSchedule | None]]:
    """The cycles an exchange takes part in (what it sees on its assessment page)."""
    rows = session.execute(
        select(Cycle, CycleSchedule)
        .join(CycleParticipant, CycleParticipant.cycle_id == Cycle.id)
        .outerjoin(CycleSchedule, CycleSchedule.cycle_id == Cycle.id)
        .where(CycleParticipant.organisation_id == organisation_id)
        .order_by(Cycle.id.desc())
    ).all()
    return [(cycle, schedule) for cycle, schedule in rows]


@dataclass(frozen=True)
class _Latest:
    id: int
    revision: int
    state: str
    since: datetime


@dataclass(frozen=True)
class ParticipantRow:
    organisation: Organisation
    state: str
    assessment_id: int | None
    revision: int | None
    last_activity: datetime | None
    overdue: bool
    remind: bool


def dashboard(session: Session, cycle: Cycle, today: date) -> list[ParticipantRow]:
    """Each participant's state, last activity and flags, in three queries whatever the population.

    Overdue: the close date has passed and nothing is submitted or accepted. Reminder due: the
    close date is within ``remind_days_before`` days and the firm has not submitted yet.
    """
    schedule = schedule_of(session, cycle.id)
    ids = participant_ids(session, cycle.id)
    organisations = list(
        session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name_en))
    )
    # Columns only (no JSON targets or snapshots): the dashboard lists up to thousands of firms.
    latest: dict[int, _Latest] = {}
    for row in session.execute(
        select(
            Assessment.organisation_id,
            Assessment.id,
            Assessment.revision,
            Assessment.state,
            Assessment.created_at,
            Assessment.signed_off_at,
        )
        .where(Assessment.cycle_id == cycle.id)
        .order_by(Assessment.revision)
    ):
        latest[row[0]] = _Latest(row[1], row[2], row[3], row[5] or row[4])
    activity: dict[int, datetime] = {}
    # Answers change only while editable; afterwards every change is a workflow event.
    editable = [item.id for item in latest.values() if item.state in (State.DRAFT, State.IN_REVIEW)]
    if editable:
        for assessment_id, when in session.execute(
            select(Response.assessment_id, func.max(Response.updated_at))
            .where(Response.assessment_id.in_(editable))
            .group_by(Response.assessment_id)
        ):
            activity[assessment_id] = when
    assessment_ids = [item.id for item in latest.values()]
    if assessment_ids:
        for assessment_id, when in session.execute(
            select(WorkflowEvent.assessment_id, func.max(WorkflowEvent.occurred_at))
            .where(WorkflowEvent.assessment_id.in_(assessment_ids))
            .group_by(WorkflowEvent.assessment_id)
        ):
            activity[assessment_id] = max(activity.get(assessment_id, when), when)
    rows = []
    for organisation in organisations:
        found = latest.get(organisation.id)
        state = found.state if found else NOT_STARTED
        done = state in (State.SUBMITTED, State.ACCEPTED)
        last = activity.get(found.id, found.since) if found else None
        overdue = schedule is not None and today > schedule.closes_on and not done
        remind = (
            schedule is not None
            and not done
            and not overdue
            and (schedule.closes_on - today).days <= schedule.remind_days_before
        )
        rows.append(
            ParticipantRow(
                organisation=organisation,
                state=state,
                assessment_id=found.id if found else None,
                revision=found.revision if found else None,
                last_activity=last,
                overdue=overdue,
                remind=remind,
            )
        )
    return rows


def read_dashboard(session: Session, actor: Actor, cycle: Cycle, today: date) -> list[ParticipantRow]:
    """:func:`dashboard` for the supervisor: every firm's state in the cycle is other
    organisations' data, so the read is audited as ``cycle.dashboard_read``."""
    rows = dashboard(session, cycle, today)
    audit(
        session,
        actor,
        "cycle.dashboard_read",
        object_type="assessment_cycle",
        object_id=cycle.id,
        details={"participants": len(rows)},
    )
    return rows


def read_submission(session: Session, assessment_id: int, *, actor: Actor) -> Assessment:
    """One submitted (or later) assessment for the supervisor, read-only; the read is audited."""
    assessment = transitions.submitted_for_review(session, assessment_id)
    audit(
        session,
        actor,
        "assessment.read_by_supervisor",
        organisation_id=assessment.organisation_id,
        object_type="assessment",
        object_id=assessment.id,
        details={"revision": assessment.revision},
    )
    session.flush()
    return assessment


def review(
    session: Session,
    assessment_id: int,
    action_name: str,
    *,
    actor: Actor,
    comment: str = "",
    control_comments: Mapping[str, str] | None = None,
) -> Assessment:
    """Accept, or return with a general comment and comments per control (shown to the firm).
    An assessment the supervisor may not see answers :class:`NotFoundError` before anything else."""
    assessment = transitions.submitted_for_review(session, assessment_id)
    if action_name not in (Action.ACCEPT.value, Action.RETURN.value):
        raise SupervisionError("action", _("choose accept or return"))
    action = Action(action_name)
    comments = {key: text.strip() for key, text in (control_comments or {}).items() if text.strip()}
    if action is Action.RETURN:
        if not comment.strip() and not comments:
            raise SupervisionError("comment", _("say why the submission is returned"))
        view = assessment_service.view_of(session, assessment)
        for control_id, text in comments.items():
            if view.control(control_id) is None:
                raise SupervisionError("control_id", _("Unknown control id %(id)s.", id=control_id))
            if len(text) > assessment_service.MAX_TEXT:
                raise SupervisionError(
                    control_id, _("longer than %(max)s characters", max=assessment_service.MAX_TEXT)
                )
    transitions.transition(session, assessment, action, actor=actor, comment=comment.strip())
    if action is Action.RETURN:
        session.add_all(
            ReviewComment(assessment_id=assessment.id, control_id=key, comment=text)
            for key, text in comments.items()
        )
    session.flush()
    return assessment


def comments_for(session: Session, organisation_id: int, cycle_id: int) -> list[tuple[int, ReviewComment]]:
    """The firm's own per-control return comments in a cycle, as (revision, comment)."""
    rows = session.execute(
        select(Assessment.revision, ReviewComment)
        .join(Assessment, Assessment.id == ReviewComment.assessment_id)
        .where(Assessment.organisation_id == organisation_id, Assessment.cycle_id == cycle_id)
        .order_by(Assessment.revision, ReviewComment.control_id)
    ).all()
    return [(revision, comment) for revision, comment in rows]
