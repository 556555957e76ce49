"""Excel export/import, OSCAL exports, the report page and PDF jobs of an assessment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response

from cyberdelta.assessment import actions, jobs
from cyberdelta.assessment.errors import AssessmentError
from cyberdelta.assessment.http.access import Exporter, Reader, Writer, load, organisation_of
from cyberdelta.assessment.report import report_context
from cyberdelta.assessment.spreadsheet import WorkbookError
from cyberdelta.platform.db.after_commit import after_commit
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import parse_language
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.public_ids import AssessmentId, ReportJobId, encode
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to

router = APIRouter(prefix="/assessment", include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _named(request: Request, assessment_id: int) -> str:
    """The assessment as download file names give it: by public id, as its URLs do."""
    return encode(request, "assessment_id", assessment_id)


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/{assessment_id}/export.xlsx")
def export_xlsx(
    request: Request, session: SessionDep, principal: Exporter, assessment_id: AssessmentId
) -> Response:
    assessment = load(session, principal, assessment_id)
    content = actions.export(session, actor_of(request, principal), assessment, "xlsx")
    return _download(content, XLSX, f"assessment-{_named(request, assessment.id)}.xlsx")


@router.post("/{assessment_id}/import", response_class=HTMLResponse)
def import_xlsx(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Writer,
    assessment_id: AssessmentId,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """All or nothing: any problem rejects the whole workbook and lists every problem by cell.

    A plain ``def``: FastAPI runs it in its thread pool, so parsing a workbook never blocks the
    event loop (and every other request) while it runs."""
    assessment = load(session, principal, assessment_id)
    data = file.file.read(settings.max_upload_bytes + 1) if file is not None else b""
    problems: list[str] = []
    count = 0
    if not data:
        problems = [_("file: choose the filled workbook (.xlsx)")]
    elif len(data) > settings.max_upload_bytes:
        problems = [_("file: the file is larger than %(max)s bytes", max=settings.max_upload_bytes)]
    else:
        try:
            count = actions.import_workbook(session, actor_of(request, principal), assessment, data)
        except WorkbookError as error:
            problems = [str(problem) for problem in error.problems]
        except AssessmentError as error:
            problems = [f"{_(error.field)}: {error.reason}"]
    if problems:
        # Nothing was written: the workbook is checked completely before the first change.
        return render(
            request, "assessment/import_result.html", {"assessment": assessment, "problems": problems}, 422
        )
    return render(
        request, "assessment/import_result.html", {"assessment": assessment, "problems": [], "count": count}
    )


@router.get("/{assessment_id}/oscal/assessment-results.json")
def oscal_results(
    request: Request, session: SessionDep, principal: Exporter, assessment_id: AssessmentId
) -> Response:
    assessment = load(session, principal, assessment_id)
    body = actions.export(session, actor_of(request, principal), assessment, "oscal-assessment-results")
    return _download(body, "application/json", f"assessment-results-{_named(request, assessment.id)}.json")


@router.get("/{assessment_id}/oscal/poam.json")
def oscal_poam(
    request: Request, session: SessionDep, principal: Exporter, assessment_id: AssessmentId
) -> Response:
    assessment = load(session, principal, assessment_id)
    body = actions.export(session, actor_of(request, principal), assessment, "oscal-poam")
    return _download(body, "application/json", f"poam-{_named(request, assessment.id)}.json")


@router.get("/{assessment_id}/report", response_class=HTMLResponse)
def report_page(
    request: Request, session: SessionDep, principal: Reader, assessment_id: AssessmentId
) -> HTMLResponse:
    assessment = load(session, principal, assessment_id)
    return render(request, "assessment/report.html", report_context(session, assessment))


@router.post("/{assessment_id}/report/jobs")
def report_job_start(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Reader,
    assessment_id: AssessmentId,
    language: Annotated[str, Form()] = "ja",
) -> Response:
    assessment = load(session, principal, assessment_id)
    code = parse_language(language)
    if code is None:
        raise HTTPException(status_code=422, detail=_("language: choose ja or en"))
    job_id = jobs.start_report(session, settings, actor_of(request, principal), assessment, code).id
    # Queued once the job row is committed: a worker may pick it up at once.
    after_commit(session, lambda: jobs.enqueue(settings, job_id))
    return redirect_to(request, "assessment.report_job_status", job_id=job_id)


@router.get("/report-jobs/{job_id}", response_class=HTMLResponse)
def report_job_status(
    request: Request, session: SessionDep, principal: Reader, job_id: ReportJobId
) -> HTMLResponse:
    job = jobs.get_job(session, organisation_of(principal), job_id)
    fragment = request.headers.get("hx-request") == "true"
    template = "assessment/_job.html" if fragment else "assessment/job.html"
    return render(request, template, {"job": job})


@router.get("/report-jobs/{job_id}/report.pdf")
def report_job_download(
    request: Request, session: SessionDep, settings: SettingsDep, principal: Reader, job_id: ReportJobId
) -> Response:
    job = jobs.get_job(session, organisation_of(principal), job_id)
    if job.status != "done" or job.sha256 is None:
        raise HTTPException(status_code=409, detail=_("The report is not ready yet."))
    actions.record_export(
        session, actor_of(request, principal), load(session, principal, job.assessment_id), "pdf", job.sha256
    )
    return FileResponse(
        jobs.report_path(settings.data_dir, job.sha256),
        media_type="application/pdf",
        filename=f"cyberdelta-report-{_named(request, job.assessment_id)}-{job.language}.pdf",
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )
