"""The supervisor's feedback-report page (docs/benchmark.md): start the batch of a cycle as one
background job, follow its progress (htmx polling of the stored run, like the assessment report
job), download the ZIP, a firm's PDF or the industry report. Supervisor inspectors only
(``assessment:review``); starting needs a fresh passkey (step-up); the start and every download
are audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.exc import IntegrityError

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark import feedback_jobs
from cyberdelta.benchmark.feedback_jobs import FeedbackRunError
from cyberdelta.benchmark.feedback_models import FeedbackRun
from cyberdelta.platform.db.after_commit import after_commit
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import parse_language
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.public_ids import CycleId, FeedbackRunId
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

router = APIRouter(prefix="/benchmark/feedback", include_in_schema=False)
Supervisor = Annotated[Principal, Depends(require(Permission.ASSESSMENT_REVIEW))]
SupervisorReader = Annotated[Principal, Depends(require(Permission.ASSESSMENT_REVIEW, step_up=False))]


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail=_("The page was not found."))


def _run(session: SessionDep, run_id: int) -> FeedbackRun:
    run = feedback_jobs.get_run(session, run_id)
    if run is None:
        raise _not_found()
    return run


def _page(
    request: Request, session: SessionDep, cycle: Cycle, error: str | None, status: int
) -> HTMLResponse:
    runs = feedback_jobs.runs_of(session, cycle.id)
    return render(
        request,
        "benchmark/feedback.html",
        {"cycle": cycle, "runs": runs, "error": error, "active": feedback_jobs.active_run(session, cycle.id)},
        status,
    )


@router.get("/{cycle_id}", response_class=HTMLResponse)
def feedback_page(
    request: Request, session: SessionDep, principal: SupervisorReader, cycle_id: CycleId
) -> HTMLResponse:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise _not_found()
    return _page(request, session, cycle, None, 200)


@router.post("/{cycle_id}/runs", response_class=HTMLResponse)
def start(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Supervisor,
    cycle_id: CycleId,
    language: Annotated[str, Form()] = "ja",
) -> Response:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise _not_found()
    code = parse_language(language)
    if code is None:
        raise HTTPException(status_code=422, detail=_("language: choose ja or en"))
    try:
        # A savepoint: a run started by someone else at the same moment undoes only this attempt.
        with session.begin_nested():
            run_id = feedback_jobs.start_run(session, cycle, code, actor=actor_of(request, principal)).id
    except FeedbackRunError as error:
        return _page(request, session, cycle, str(error), 409)
    except IntegrityError:  # another supervisor started one at the same moment
        message = _("feedback reports for this cycle are already being created; wait until it has finished")
        return _page(request, session, cycle, f"cycle: {message}", 409)
    # Queued once the run is committed: a worker may pick it up at once.
    after_commit(session, lambda: feedback_jobs.enqueue(settings, run_id))
    return redirect_to(request, "benchmark.run_page", run_id=run_id)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request, session: SessionDep, principal: SupervisorReader, run_id: FeedbackRunId
) -> HTMLResponse:
    run = _run(session, run_id)
    fragment = request.headers.get("hx-request") == "true"
    template = "benchmark/_feedback_run.html" if fragment else "benchmark/feedback_run.html"
    return render(
        request,
        template,
        {
            "run": run,
            "names": feedback_jobs.organisations_of(session, run),
            "cycle": session.get(Cycle, run.cycle_id),
        },
    )


@router.get("/runs/{run_id}/files/{name}")
def download(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: SupervisorReader,
    run_id: FeedbackRunId,
    name: str,
) -> Response:
    """One PDF or the ZIP of a finished run, by a name the run recorded; the download is audited."""
    run = _run(session, run_id)
    if run.status != "done":
        raise HTTPException(status_code=409, detail=_("The feedback reports are not ready yet."))
    path = feedback_jobs.file_path(settings.data_dir, run, name)
    if path is None:
        raise _not_found()
    feedback_jobs.record_download(session, run, name, actor=actor_of(request, principal))
    return FileResponse(
        path,
        media_type="application/zip" if name.endswith(".zip") else "application/pdf",
        filename=name,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )
