"""Evidence pages: upload a file or add a link (optionally attaching it to controls), attach an
existing piece to a control, list evidence with where it is used, download (never inline)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response

from cyberdelta.assessment import evidence, service
from cyberdelta.assessment.errors import AssessmentError
from cyberdelta.assessment.http.access import Reader, Writer, load, organisation_of
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.public_ids import AssessmentId, EvidenceId
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to

router = APIRouter(prefix="/assessment", include_in_schema=False)


def _back(request: Request, assessment_id: int, control_id: str) -> Response:
    if control_id:
        return redirect_to(
            request, "assessment.control_anchor", assessment_id=assessment_id, control_id=control_id
        )
    return redirect_to(request, "assessment.evidence_list", assessment_id=assessment_id)


@router.get("/{assessment_id}/evidence", response_class=HTMLResponse)
def evidence_list(
    request: Request, session: SessionDep, principal: Reader, assessment_id: AssessmentId
) -> HTMLResponse:
    assessment = load(session, principal, assessment_id)
    usage = evidence.usage(session, assessment.organisation_id, assessment)
    return render(
        request, "assessment/evidence.html", {"assessment": assessment, "usage": usage, "error": None}
    )


@router.get("/{assessment_id}/controls/{control_id}")
def control_anchor(
    request: Request, session: SessionDep, principal: Reader, assessment_id: AssessmentId, control_id: str
) -> Response:
    """A stable address of a control inside its domain page."""
    assessment = load(session, principal, assessment_id)
    control = service.view_of(session, assessment).control(control_id)
    if control is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return redirect_to(
        request,
        "assessment.domain_page",
        fragment="c-" + quote(control_id.replace(".", "_")),
        assessment_id=assessment_id,
        code=control.domain,
    )


@router.post("/{assessment_id}/evidence")
async def evidence_add(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Writer,
    assessment_id: AssessmentId,
    title: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    control_id: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A file (multipart) or a link; ``control_id`` may list several ids separated by spaces or commas."""
    assessment = load(session, principal, assessment_id)
    actor = actor_of(request, principal)
    controls = [c for c in control_id.replace(",", " ").split() if c]
    view = service.view_of(session, assessment)
    for candidate in controls:
        if view.control(candidate) is None:
            raise AssessmentError("control_id", _("Unknown control id %(id)s.", id=candidate))
    if file is not None and file.filename:
        # Read one byte more than allowed: enough to know the file is too large, never more.
        data = await file.read(settings.max_upload_bytes + 1)
        item = evidence.add_file(
            session,
            assessment.organisation_id,
            data=data,
            filename=file.filename,
            title=title,
            max_bytes=settings.max_upload_bytes,
            data_dir=settings.data_dir,
            actor=actor,
        )
    elif url.strip():
        item = evidence.add_link(session, assessment.organisation_id, url=url, title=title, actor=actor)
    else:
        raise AssessmentError("file", _("choose a file or give a link"))
    evidence.attach(session, actor, assessment, item, controls)
    return _back(request, assessment.id, controls[0] if len(controls) == 1 else "")


@router.post("/{assessment_id}/controls/{control_id}/evidence")
def evidence_attach(
    request: Request,
    session: SessionDep,
    principal: Writer,
    assessment_id: AssessmentId,
    control_id: str,
    evidence_id: Annotated[int | None, Form()] = None,
    detach: Annotated[str, Form()] = "",
) -> Response:
    assessment = load(session, principal, assessment_id)
    if service.view_of(session, assessment).control(control_id) is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    if evidence_id is None:
        raise HTTPException(status_code=422, detail=_("evidence_id: choose a piece of evidence"))
    item = evidence.get_evidence(session, assessment.organisation_id, evidence_id)
    actor = actor_of(request, principal)
    if detach:
        evidence.detach(session, actor, assessment, item, control_id)
    else:
        evidence.attach(session, actor, assessment, item, [control_id])
    return _back(request, assessment.id, control_id)


@router.get("/evidence/{evidence_id}/download")
def evidence_download(
    request: Request, session: SessionDep, settings: SettingsDep, principal: Reader, evidence_id: EvidenceId
) -> Response:
    item, path = evidence.download(
        session, actor_of(request, principal), organisation_of(principal), evidence_id, settings.data_dir
    )
    # Always a download, never rendered by the browser (docs/security.md).
    return FileResponse(
        path,
        media_type="application/octet-stream",
        filename=item.filename or "evidence",
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )
