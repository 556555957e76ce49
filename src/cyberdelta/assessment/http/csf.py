"""The assessment's NIST CSF 2.0 coverage page (docs/assessment.md, "CSF 2.0 coverage")."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cyberdelta.assessment.csf_coverage import Coverage, csf_coverage
from cyberdelta.assessment.http.access import Reader, load
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import AssessmentId
from cyberdelta.platform.web.templating import render

router = APIRouter(prefix="/assessment", include_in_schema=False)


@router.get("/{assessment_id}/csf", response_class=HTMLResponse)
def csf_page(
    request: Request, session: SessionDep, principal: Reader, assessment_id: AssessmentId
) -> HTMLResponse:
    assessment = load(session, principal, assessment_id)
    return render(
        request,
        "assessment/csf.html",
        {"assessment": assessment, "coverage": csf_coverage(session, assessment), "statuses": list(Coverage)},
    )
