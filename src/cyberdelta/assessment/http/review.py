"""The supervisor's side of the workflow (the inspector of docs/accounts.md, "Roles and what each may do"):
accept or return a submission.
Only submitted (or later) assessments of any firm are visible here; drafts answer 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from cyberdelta.assessment import transitions
from cyberdelta.assessment.errors import AssessmentError
from cyberdelta.assessment.http.access import Reviewer
from cyberdelta.assessment.workflow import Action, TransitionError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import AssessmentId
from cyberdelta.platform.web.urls import redirect_to

router = APIRouter(prefix="/review/assessments", include_in_schema=False)


@router.post("/{assessment_id}/{action}")
def review(
    request: Request,
    session: SessionDep,
    principal: Reviewer,
    assessment_id: AssessmentId,
    action: str,
    comment: Annotated[str, Form()] = "",
) -> Response:
    if action not in (Action.ACCEPT, Action.RETURN):
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    try:
        assessment = transitions.submitted_for_review(session, assessment_id)
        transitions.transition(
            session, assessment, Action(action), actor=actor_of(request, principal), comment=comment
        )
    except (TransitionError, AssessmentError) as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    return redirect_to(request, "home.home")
