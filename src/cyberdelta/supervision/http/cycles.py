"""Supervisor pages (docs/benchmark.md): open a cycle, follow its collection, read one submission
(audited), accept it or return it with comments per control; and the exchange's list of its cycles.

Every route works in the request's transaction; an acceptance is announced with
:func:`~cyberdelta.platform.db.after_commit.after_commit`, so the benchmark job it queues starts
only once the acceptance is committed (a worker may run it at once).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from cyberdelta.assessment import actions
from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment.errors import AssessmentError
from cyberdelta.assessment.http.access import Reader as AssessmentReader
from cyberdelta.assessment.http.access import Writer, organisation_of
from cyberdelta.assessment.models import Cycle
from cyberdelta.assessment.workflow import Action, TransitionError
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.db.after_commit import after_commit
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.public_ids import AssessmentId, CycleId
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.supervision import reminders, service
from cyberdelta.supervision.events import SubmissionAccepted
from cyberdelta.supervision.reminders import ReminderError
from cyberdelta.supervision.service import SupervisionError
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

router = APIRouter(include_in_schema=False)
Supervisor = Annotated[Principal, Depends(require(Permission.ASSESSMENT_REVIEW))]
SupervisorReader = Annotated[Principal, Depends(require(Permission.ASSESSMENT_REVIEW, step_up=False))]
PAGE_SIZE = 100
NO_COMPARISON = "none"  # the form's value for a cycle compared with no earlier one
STATES = ("not_started", "draft", "in_review", "submitted", "returned", "accepted")


def _cycle(session: SessionDep, cycle_id: int) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return cycle


@router.get("/supervision/cycles", response_class=HTMLResponse)
def cycles_page(request: Request, session: SessionDep, principal: SupervisorReader) -> HTMLResponse:
    version = ensure_builtin_catalog(session)
    return render(
        request,
        "supervision/cycles.html",
        {
            "cycles": service.cycles_with_schedules(session),
            "exchanges": service.exchanges(session),
            "version_id": version.id,
            "error": None,
        },
    )


def _parse_previous(value: str | None) -> int | assessment_service.Latest | None:
    """The comparison chosen on the form: a cycle's id, ``none`` for none, the latest cycle when
    the field is empty or not sent (FastAPI reads an empty form field as absent)."""
    if value is None or not value.strip():
        return assessment_service.LATEST
    if value.strip() == NO_COMPARISON:
        return None
    try:
        return int(value)
    except ValueError:
        raise SupervisionError("previous_cycle_id", _("unknown cycle")) from None


def _parse_date(field: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SupervisionError(field, _("a date as YYYY-MM-DD is required")) from None


@router.post("/supervision/cycles", response_class=HTMLResponse)
def open_cycle(
    request: Request,
    session: SessionDep,
    principal: Supervisor,
    name: Annotated[str, Form()],
    opens_on: Annotated[str, Form()],
    closes_on: Annotated[str, Form()],
    catalog_version_id: Annotated[int, Form()],
    participants: Annotated[list[int] | None, Form()] = None,
    remind_days_before: Annotated[int, Form()] = 14,
    previous_cycle_id: Annotated[str | None, Form(max_length=20)] = None,
) -> Response:
    try:
        previous = _parse_previous(previous_cycle_id)
        # Every check comes before the first write: nothing is stored when one fails.
        cycle = service.open_cycle(
            session,
            name=name,
            catalog_version_id=catalog_version_id,
            opens_on=_parse_date("opens_on", opens_on),
            closes_on=_parse_date("closes_on", closes_on),
            participant_ids=participants or [],
            remind_days_before=remind_days_before,
            previous_cycle_id=previous,
            actor=actor_of(request, principal),
        )
    except SupervisionError as error:
        return render(request, "error.html", {"status": 422, "message": str(error)}, status_code=422)
    return redirect_to(request, "supervision.dashboard_page", cycle_id=cycle.id)


@router.get("/supervision/cycles/{cycle_id}", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    session: SessionDep,
    principal: SupervisorReader,
    cycle_id: CycleId,
    state: str | None = None,
    flag: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """Counts over every participant; the table filtered by state or flag, 100 rows a page."""
    if state is not None and state not in STATES:
        raise HTTPException(
            status_code=422, detail=_("state: choose one of %(states)s", states=", ".join(STATES))
        )
    if flag is not None and flag not in ("overdue", "remind"):
        raise HTTPException(status_code=422, detail=_("flag: choose overdue or remind"))
    cycle = _cycle(session, cycle_id)
    rows = service.read_dashboard(session, actor_of(request, principal), cycle, utcnow().date())
    counts = {name: sum(1 for row in rows if row.state == name) for name in STATES}
    flags = {"overdue": sum(row.overdue for row in rows), "remind": sum(row.remind for row in rows)}
    shown = [
        row for row in rows if (state is None or row.state == state) and (flag is None or getattr(row, flag))
    ]
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    return render(
        request,
        "supervision/dashboard.html",
        {
            "cycle": cycle,
            "schedule": service.schedule_of(session, cycle.id),
            "rows": shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            "counts": counts,
            "flags": flags,
            "state": state,
            "flag": flag,
            "page": page,
            "pages": pages,
            "total": len(shown),
            "reminded": reminders.reminded_on(session, cycle.id),
        },
    )


@router.post("/supervision/cycles/{cycle_id}/reminders", response_class=HTMLResponse)
def send_reminders_now(
    request: Request, session: SessionDep, settings: SettingsDep, principal: Supervisor, cycle_id: CycleId
) -> Response:
    """E-mail now every participant of this cycle that is due a reminder (recorded, audited)."""
    cycle = _cycle(session, cycle_id)
    try:
        outcome = reminders.send_reminders(
            session, settings, utcnow().date(), cycle_id=cycle_id, actor=actor_of(request, principal)
        )
    except ReminderError as error:  # refused before the first write
        return render(request, "supervision/reminders.html", {"cycle": cycle, "error": str(error)}, 503)
    return render(request, "supervision/reminders.html", {"cycle": cycle, "outcome": outcome, "error": None})


@router.get("/supervision/assessments/{assessment_id}", response_class=HTMLResponse)
def submission_page(
    request: Request, session: SessionDep, principal: SupervisorReader, assessment_id: AssessmentId
) -> HTMLResponse:
    """Read-only view of one submission; the read itself is committed to the audit trail."""
    assessment = service.read_submission(session, assessment_id, actor=actor_of(request, principal))
    view = assessment_service.view_of(session, assessment)
    context = {
        "assessment": assessment,
        "organisation": session.get(Organisation, assessment.organisation_id),
        "view": view,
        "responses": assessment_service.responses_of(session, assessment),
        "summary": assessment_service.summary(session, assessment, view),
    }
    return render(request, "supervision/submission.html", context)


@router.post("/supervision/assessments/{assessment_id}/review")
async def review(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Supervisor,
    assessment_id: AssessmentId,
) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    comment = str(form.get("comment", ""))
    control_comments = {
        str(key)[len("control:") :]: str(value)
        for key, value in form.items()
        if str(key).startswith("control:")
    }
    try:
        assessment = service.review(
            session,
            assessment_id,
            action,
            actor=actor_of(request, principal),
            comment=comment,
            control_comments=control_comments,
        )
        cycle_id = assessment.cycle_id
    except (TransitionError, AssessmentError) as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    if action == Action.ACCEPT.value:
        events = request.app.state.events
        after_commit(session, lambda: events.publish(settings, SubmissionAccepted(cycle_id)))
    return redirect_to(request, "supervision.dashboard_page", cycle_id=cycle_id)


@router.get("/cycles", response_class=HTMLResponse)
def my_cycles(request: Request, session: SessionDep, principal: AssessmentReader) -> HTMLResponse:
    """The exchange's cycles, its state in each, and the supervisor's comments on returned revisions."""
    organisation_id = organisation_of(principal)
    items = []
    for cycle, schedule in service.cycles_for(session, organisation_id):
        latest = assessment_service.latest_assessment(session, organisation_id, cycle.id)
        items.append((cycle, schedule, latest, service.comments_for(session, organisation_id, cycle.id)))
    return render(request, "supervision/my_cycles.html", {"items": items})


@router.post("/cycles/{cycle_id}/start")
def start_in_cycle(request: Request, session: SessionDep, principal: Writer, cycle_id: CycleId) -> Response:
    organisation_id = organisation_of(principal)
    if cycle_id not in {cycle.id for cycle, _schedule in service.cycles_for(session, organisation_id)}:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    assessment = actions.start(
        session, actor_of(request, principal), organisation_id, _cycle(session, cycle_id)
    )
    return redirect_to(request, "assessment.workspace", assessment_id=assessment.id)
