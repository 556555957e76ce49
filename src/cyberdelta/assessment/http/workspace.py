"""Assessment pages: list, risk profile, workspace per domain with save-as-you-go (HTMX), workflow.

Every answer form works without JavaScript (a normal POST and redirect); with HTMX the same POST
returns only the control's fragment. A stale version answers 409 with the other person's answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from cyberdelta.assessment import actions, plan, service, transitions
from cyberdelta.assessment.errors import AssessmentError, ConflictError
from cyberdelta.assessment.evidence import evidence_by_response, list_evidence
from cyberdelta.assessment.http.access import Approver, Reader, Writer, load, organisation_of, user_name
from cyberdelta.assessment.maturity import descriptor
from cyberdelta.assessment.models import Assessment
from cyberdelta.assessment.scoring import MATURITY_LEVELS
from cyberdelta.assessment.targets import Band
from cyberdelta.assessment.workflow import Action, State, TransitionError, allowed_actions, is_editable
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import AssessmentId
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy.principal import Principal

router = APIRouter(prefix="/assessment", include_in_schema=False)
Text = Annotated[str, Form()]


def _levels() -> list[tuple[int, str]]:
    return [(level, descriptor(level)) for level in MATURITY_LEVELS]


@router.get("", response_class=HTMLResponse)
def assessment_list(request: Request, session: SessionDep, principal: Reader) -> HTMLResponse:
    organisation_id = organisation_of(principal)
    return render(
        request,
        "assessment/list.html",
        {"assessments": service.list_assessments(session, organisation_id), "year": utcnow().year},
    )


@router.post("/start")
def start(request: Request, session: SessionDep, principal: Writer) -> Response:
    """Open (or continue) the organisation's assessment of this year against the built-in catalog."""
    version = ensure_builtin_catalog(session)
    cycle = service.ensure_cycle(session, str(utcnow().year), version.id)
    assessment = actions.start(session, actor_of(request, principal), organisation_of(principal), cycle)
    return redirect_to(request, "assessment.workspace", assessment_id=assessment.id)


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, session: SessionDep, principal: Reader) -> HTMLResponse:
    profile = service.get_profile(session, organisation_of(principal))
    return render(
        request, "assessment/profile.html", {"profile": profile, "bands": list(Band), "error": None}
    )


@router.post("/profile", response_class=HTMLResponse)
async def profile_save(request: Request, session: SessionDep, principal: Writer) -> Response:
    form = await request.form()
    values = {key: str(value) for key, value in form.items() if key != "csrf_token"}
    organisation_id = organisation_of(principal)
    try:
        profile = service.parse_profile(values)
    except (AssessmentError, ValueError) as error:
        field = getattr(error, "field", "profile")
        reason = getattr(error, "reason", str(error))
        context = {"profile": service.get_profile(session, organisation_id), "bands": list(Band)}
        return render(
            request,
            "assessment/profile.html",
            context | {"error": {"field": field, "reason": reason}},
            status_code=422,
        )
    actions.change_profile(session, actor_of(request, principal), organisation_id, profile)
    return redirect_to(request, "assessment.profile_page", query={"saved": "1"})


@router.get("/{assessment_id}", response_class=HTMLResponse)
def workspace(
    request: Request, session: SessionDep, principal: Reader, assessment_id: AssessmentId
) -> HTMLResponse:
    assessment = load(session, principal, assessment_id)
    view = service.view_of(session, assessment)
    return render(
        request,
        "assessment/workspace.html",
        {
            "assessment": assessment,
            "view": view,
            "summary": service.summary(session, assessment, view),
            "targets": service.explained_targets(session, assessment),
            "actions": allowed_actions(State(assessment.state)),
            "events": transitions.events_of(session, assessment),
            "editable": is_editable(State(assessment.state)),
            "error": request.query_params.get("error"),
        },
    )


def _control_context(session: SessionDep, assessment: Assessment, control_id: str) -> dict[str, object]:
    view = service.view_of(session, assessment)
    control = view.control(control_id)
    if control is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    responses = service.responses_of(session, assessment)
    row = responses.get(control_id)
    evidence = evidence_by_response(session, assessment)
    return {
        "assessment": assessment,
        "control": control,
        "row": row,
        "evidence": evidence.get(row.id, []) if row is not None else [],
        "levels": _levels(),
        "editable": is_editable(State(assessment.state)),
        "domain_target": assessment.targets.get(control.domain, {}).get("target", 3),
    }


@router.get("/{assessment_id}/domains/{code}", response_class=HTMLResponse)
def domain_page(
    request: Request, session: SessionDep, principal: Reader, assessment_id: AssessmentId, code: str
) -> HTMLResponse:
    assessment = load(session, principal, assessment_id)
    view = service.view_of(session, assessment)
    domain = view.domain(code)
    if domain is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    controls = [_control_context(session, assessment, c.control_id) for c in view.of_domain(code)]
    summary = service.summary(session, assessment, view)
    return render(
        request,
        "assessment/domain.html",
        {
            "assessment": assessment,
            "domain": domain,
            "domains": view.domains,
            "controls": controls,
            "progress": summary.progress.get(code),
            "score": summary.domains.get(code),
            "evidence_choices": list_evidence(session, assessment.organisation_id),
        },
    )


def _int_or_none(value: str, field: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise AssessmentError(field, _("a whole number is required")) from None


@router.post("/{assessment_id}/responses/{control_id}", response_class=HTMLResponse)
def save_answer(
    request: Request,
    session: SessionDep,
    principal: Writer,
    assessment_id: AssessmentId,
    control_id: str,
    version: Annotated[int | None, Form()] = None,
    maturity: Text = "",
    not_applicable: Text = "",
    na_reason: Text = "",
    comment: Text = "",
    owner: Text = "",
    target_override: Text = "",
    target_reason: Text = "",
) -> Response:
    assessment = load(session, principal, assessment_id)
    htmx = request.headers.get("hx-request") == "true"
    status, message = 200, _("Saved.")
    try:
        if version is None:
            raise AssessmentError("version", _("reload the page and try again"))
        data = service.ResponseInput(
            maturity=_int_or_none(maturity, "maturity"),
            not_applicable=not_applicable in ("on", "true", "1"),
            na_reason=na_reason,
            comment=comment,
            owner=owner,
            target_override=_int_or_none(target_override, "target_override"),
            target_reason=target_reason,
        )
        actions.save_answer(
            session, actor_of(request, principal), assessment, control_id, data, expected_version=version
        )
    except ConflictError as error:
        status, message = 409, error.reason
    except AssessmentError as error:
        status, message = 422, f"{_(error.field)}: {error.reason}"
    if not htmx:
        if status != 200:
            raise HTTPException(status_code=status, detail=message)
        code = service.view_of(session, assessment).control(control_id)
        if code is None:  # saved, so the control exists; never a broken link all the same
            return redirect_to(request, "assessment.workspace", assessment_id=assessment.id)
        return redirect_to(
            request,
            "assessment.domain_page",
            fragment="c-" + control_id.replace(".", "_"),
            assessment_id=assessment.id,
            code=code.domain,
        )
    # On 409/422 nothing was written (checks come before writes). A conflict shows what is stored now
    # (the other person's answer); a rejected value only shows the message, so nothing typed is lost.
    context = _control_context(session, assessment, control_id)
    context |= {"message": message, "status": status, "evidence_choices": []}
    return render(request, "assessment/_saved.html", context, status_code=status)


@router.post("/{assessment_id}/transitions/{action}")
def change_state(
    request: Request,
    session: SessionDep,
    principal: Writer,
    assessment_id: AssessmentId,
    action: str,
    comment: Text = "",
) -> Response:
    """Review requests and back-to-draft by the security team (sign-off has its own route)."""
    if action not in (Action.REQUEST_REVIEW, Action.BACK_TO_DRAFT):
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return _transition(
        request, session, principal, load(session, principal, assessment_id), Action(action), comment
    )


@router.post("/{assessment_id}/sign-off")
def sign_off(
    request: Request,
    session: SessionDep,
    principal: Approver,
    assessment_id: AssessmentId,
    comment: Text = "",
) -> Response:
    """Executive approver only, after a passkey step-up (checked by ``require``)."""
    assessment = load(session, principal, assessment_id)
    return _transition(
        request,
        session,
        principal,
        assessment,
        Action.SIGN_OFF,
        comment,
        user_name(session, principal),
    )


def _transition(
    request: Request,
    session: SessionDep,
    principal: Principal,
    assessment: Assessment,
    action: Action,
    comment: str,
    name: str | None = None,
) -> Response:
    actor = actor_of(request, principal)
    try:
        transitions.transition(session, assessment, action, actor=actor, user_name=name, comment=comment)
    except (TransitionError, AssessmentError) as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    if action is Action.SIGN_OFF:
        plan.refresh_plan(session, assessment)
    return redirect_to(request, "assessment.workspace", assessment_id=assessment.id)


@router.post("/{assessment_id}/reopen")
def reopen(request: Request, session: SessionDep, principal: Writer, assessment_id: AssessmentId) -> Response:
    assessment = load(session, principal, assessment_id)
    try:
        fresh = transitions.reopen(session, assessment, actor=actor_of(request, principal))
    except AssessmentError as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    return redirect_to(request, "assessment.workspace", assessment_id=fresh.id)
