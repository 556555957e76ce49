"""Improvement plan page (POA&M): filter by status, domain and gap kind; sort; edit owner, due date
and milestone status with a version check; progress across the year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from cyberdelta.assessment import plan, service
from cyberdelta.assessment.http.access import Reader, Writer, load
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import AssessmentId, PlanItemId, encode
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to

router = APIRouter(prefix="/assessment", include_in_schema=False)
Filter = Annotated[str, Query(max_length=40)]


@router.get("/{assessment_id}/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    session: SessionDep,
    principal: Reader,
    assessment_id: AssessmentId,
    status: Filter = "",
    domain: Filter = "",
    kind: Filter = "",
    sort: Filter = "priority",
) -> HTMLResponse:
    assessment = load(session, principal, assessment_id)
    if assessment.state in ("draft", "in_review"):
        plan.refresh_plan(session, assessment)
    everything = plan.list_items(session, assessment.organisation_id, assessment.cycle_id)
    items = plan.list_items(
        session,
        assessment.organisation_id,
        assessment.cycle_id,
        status=status or None,
        domain=domain or None,
        kind=kind or None,
        sort=sort,
    )
    return render(
        request,
        "assessment/plan.html",
        {
            "assessment": assessment,
            "items": items,
            "progress": plan.year_progress(everything),
            "domains": service.view_of(session, assessment).domains,
            "statuses": list(plan.ItemStatus),
            "filters": {"status": status, "domain": domain, "kind": kind, "sort": sort},
        },
    )


@router.post("/{assessment_id}/plan/{item_id}")
def plan_update(
    request: Request,
    session: SessionDep,
    principal: Writer,
    assessment_id: AssessmentId,
    item_id: PlanItemId,
    version: Annotated[int | None, Form()] = None,
    status: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    due_date: Annotated[str, Form()] = "",
) -> Response:
    assessment = load(session, principal, assessment_id)
    item = plan.get_item(session, assessment.organisation_id, item_id)
    if version is None:
        raise HTTPException(status_code=422, detail=_("version: reload the page and try again"))
    plan.update_item(
        session,
        item,
        actor=actor_of(request, principal),
        owner=owner,
        due_date=due_date,
        status=status,
        expected_version=version,
    )
    return redirect_to(
        request,
        "assessment.plan_page",
        assessment_id=assessment.id,
        fragment="item-" + encode(request, "item_id", item.id),
    )
