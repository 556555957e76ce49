"""TLPT pages (docs/tlpt.md): the engagements the caller is named on, one engagement's timeline,
people, providers and deliverables, and its deadlines as iCalendar.

Every route but opening an engagement (``tlpt:manage``, the authority) is open to any signed-in
person, because being named on the engagement, not a role, is what lets one see it: the services
answer 404 for everyone else, exactly as for an engagement that does not exist. The services audit;
these handlers only translate.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext
from cyberdelta.platform.web.access import require, signed_in, signed_in_step_up
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.public_ids import encode, public_id
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal
from cyberdelta.tlpt import attestation, deliverables, engagements, findings, phases
from cyberdelta.tlpt.calendar_export import calendar
from cyberdelta.tlpt.errors import TlptError, _
from cyberdelta.tlpt.frameworks import FRAMEWORKS, PARAMETERS, PHASES
from cyberdelta.tlpt.keys import master_key
from cyberdelta.tlpt.labels import CHECK_TITLES, FRAMEWORK_TITLES, PHASE_TITLES, PROVIDER_TITLES, TEAM_TITLES
from cyberdelta.tlpt.timeline import computed, deadlines, rules_of

pages = APIRouter(prefix="/tlpt", include_in_schema=False)
Named = Annotated[Principal, Depends(signed_in)]
# Signing the attestation needs a passkey assertion within the step-up window (docs/accounts.md).
SteppedUp = Annotated[Principal, Depends(signed_in_step_up)]
Manager = Annotated[Principal, Depends(require(Permission.TLPT_MANAGE))]
EngagementId = Annotated[int, Depends(public_id("engagement_id"))]
DeliverableId = Annotated[int, Depends(public_id("deliverable_id"))]
Phase = Annotated[str, Form(max_length=30)]


@pages.get("", response_class=HTMLResponse)
def engagements_page(request: Request, session: SessionDep, principal: Named) -> HTMLResponse:
    """Only the engagements the caller is named on; for anyone else the page is the empty one."""
    seats = engagements.engagements_for(session, actor_of(request, principal))
    return render(
        request,
        "tlpt/engagements.html",
        {
            "seats": seats,
            "may_open": principal.has(Permission.TLPT_MANAGE),
            "frameworks": list(FRAMEWORKS),
            "parameters": PARAMETERS,
            "titles": {**PHASE_TITLES, **TEAM_TITLES, **FRAMEWORK_TITLES},
            "error": None,
        },
    )


@pages.post("/engagements")
async def engagement_open(
    request: Request, session: SessionDep, settings: SettingsDep, principal: Manager
) -> RedirectResponse:
    form = await request.form()
    values: dict[str, int] = {}
    for name in PARAMETERS:
        raw = str(form.get(name, "")).strip()
        if raw:
            if not raw.isdigit():
                raise TlptError(_("A timeline rule is a whole number from 1 to 104."), field=name)
            values[name] = int(raw)
    engagement = engagements.open_engagement(
        session,
        actor_of(request, principal),
        master_key(settings),
        code_name=str(form.get("code_name", ""))[:200],
        firm_slug=str(form.get("firm", ""))[:64],
        framework=str(form.get("framework", ""))[:20],
        notified_on=_date(str(form.get("notified_on", "")), "notified_on"),
        values=values if str(form.get("framework")) == "authority" else None,
    )
    return redirect_to(request, "tlpt.engagement_page", engagement_id=engagement.id)


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise TlptError(_("Give the date as YYYY-MM-DD."), field=field) from error


def _engagement_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Principal,
    engagement_id: int,
    error: DomainError | None = None,
) -> HTMLResponse:
    seat = engagements.seat(session, actor_of(request, principal), engagement_id)
    engagement = seat.engagement
    plan = computed(session, engagement)
    status = 200 if error is None else error.status
    return render(
        request,
        "tlpt/engagement.html",
        {
            "seat": seat,
            "engagement": engagement,
            "plan": plan,
            "deadlines": deadlines(plan),
            "rules": rules_of(engagement),
            "scope": json.loads(engagement.scope),
            "members": engagements.members_of(session, engagement.id),
            "providers": [
                (p, o, json.loads(p.checks)) for p, o in engagements.providers_of(session, engagement.id)
            ],
            "documents": deliverables.listed(session, master_key(settings), engagement),
            "phases": PHASES,
            "titles": {**PHASE_TITLES, **TEAM_TITLES, **FRAMEWORK_TITLES, **PROVIDER_TITLES},
            "check_titles": CHECK_TITLES,
            "findings": findings.findings_of(session, engagement.id),
            "may_record_findings": seat.team in (engagements.TEST_MANAGER, engagements.CONTROL_TEAM)
            and engagement.phase not in PHASES[: PHASES.index("active_red_teaming") + 1],
            "today": date.today(),
            "error": error,
        },
        status_code=status,
    )


@pages.get("/{engagement_id}", response_class=HTMLResponse)
def engagement_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
) -> HTMLResponse:
    return _engagement_page(request, session, settings, principal, engagement_id)


def _back(request: Request, engagement_id: int, fragment: str) -> RedirectResponse:
    return redirect_to(request, "tlpt.engagement_page", engagement_id=engagement_id, fragment=fragment)


@pages.post("/{engagement_id}/members", response_model=None)
def member_name(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
    email: Annotated[str, Form(max_length=254)] = "",
    team: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        with session.begin_nested():
            engagements.name_member(
                session, actor_of(request, principal), engagement_id, email=email, team=team
            )
    except DomainError as error:
        return _refused(request, session, settings, principal, engagement_id, error)
    return _back(request, engagement_id, "people")


def _refused(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Principal,
    engagement_id: int,
    error: DomainError,
) -> Response:
    """The engagement page again with the error; the service ran in a savepoint that the error
    rolled back, so nothing it wrote is stored."""
    if error.status == 404:
        raise error
    return _engagement_page(request, session, settings, principal, engagement_id, error)


@pages.post("/{engagement_id}/providers", response_model=None)
def provider_select(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
    kind: Annotated[str, Form(max_length=20)] = "",
    provider: Annotated[str, Form(max_length=64)] = "",
    experience: Annotated[str, Form(max_length=4000)] = "",
    references: Annotated[str, Form(max_length=4000)] = "",
    insurance: Annotated[str, Form(max_length=4000)] = "",
    certifications: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    checks = {
        "experience": experience,
        "references": references,
        "insurance": insurance,
        "certifications": certifications,
    }
    try:
        with session.begin_nested():
            engagements.select_provider(
                session, actor_of(request, principal), engagement_id, kind=kind, slug=provider, checks=checks
            )
    except DomainError as error:
        return _refused(request, session, settings, principal, engagement_id, error)
    return _back(request, engagement_id, "providers")


@pages.post("/{engagement_id}/scope", response_model=None)
def scope_set(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
    functions: Annotated[str, Form(max_length=20_000)] = "",
    systems: Annotated[str, Form(max_length=20_000)] = "",
    third_parties: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    scope = {name: value.splitlines() for name, value in (("functions", functions), ("systems", systems))}
    scope["third_parties"] = third_parties.splitlines()
    try:
        with session.begin_nested():
            engagements.set_scope(session, actor_of(request, principal), engagement_id, scope)
    except DomainError as error:
        return _refused(request, session, settings, principal, engagement_id, error)
    return _back(request, engagement_id, "scope")


@pages.post("/{engagement_id}/phases/complete", response_model=None)
def phase_complete(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
    phase: Phase = "",
    on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        with session.begin_nested():
            engagements.seat(session, actor_of(request, principal), engagement_id)  # 404 first
            day = _date(on, "on")
            phases.complete_phase(session, actor_of(request, principal), engagement_id, phase=phase, on=day)
    except DomainError as error:
        return _refused(request, session, settings, principal, engagement_id, error)
    return _back(request, engagement_id, "timeline")


@pages.post("/{engagement_id}/phases/deadline", response_model=None)
def phase_deadline(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
    phase: Phase = "",
    due_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        with session.begin_nested():
            engagements.seat(session, actor_of(request, principal), engagement_id)  # 404 first
            day = _date(due_on, "due_on")
            phases.plan_deadline(
                session, actor_of(request, principal), engagement_id, phase=phase, due_on=day
            )
    except DomainError as error:
        return _refused(request, session, settings, principal, engagement_id, error)
    return _back(request, engagement_id, "timeline")


@pages.post("/{engagement_id}/findings", response_model=None)
def finding_record(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
    title: Annotated[str, Form(max_length=400)] = "",
    cvss_vector: Annotated[str, Form(max_length=400)] = "",
    attack_technique: Annotated[str, Form(max_length=40)] = "",
    critical_function: Annotated[str, Form(max_length=400)] = "",
    control_id: Annotated[str, Form(max_length=200)] = "",
    found_maturity: Annotated[int, Form(ge=0, le=5)] = 0,
) -> Response:
    """A finding becomes an item of the firm's improvement plan (docs/tlpt.md, "Findings")."""
    try:
        with session.begin_nested():
            findings.record_finding(
                session,
                actor_of(request, principal),
                engagement_id,
                title=title,
                vector=cvss_vector,
                technique=attack_technique,
                function=critical_function,
                control_id=control_id,
                found=found_maturity,
            )
    except DomainError as error:
        return _refused(request, session, settings, principal, engagement_id, error)
    return _back(request, engagement_id, "findings")


@pages.post("/{engagement_id}/attestation", response_model=None)
def attestation_sign(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: SteppedUp,
    engagement_id: EngagementId,
) -> Response:
    """Sign the attestation for the authority (a test manager) or the firm (the control team)."""
    try:
        with session.begin_nested():
            attestation.sign(session, actor_of(request, principal), engagement_id)
    except DomainError as error:
        return _refused(request, session, settings, principal, engagement_id, error)
    return _back(request, engagement_id, "attestation")


@pages.post("/{engagement_id}/deliverables", response_model=None)
async def deliverable_upload(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
    phase: Phase = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    # One byte more than allowed: enough to know the file is too large, never more.
    content = await file.read(settings.tlpt_max_deliverable_bytes + 1) if file is not None else b""
    try:
        with session.begin_nested():
            deliverables.upload(
                session,
                actor_of(request, principal),
                master_key(settings),
                engagement_id,
                phase=phase,
                name=(file.filename or "") if file is not None else "",
                content=content,
                max_bytes=settings.tlpt_max_deliverable_bytes,
            )
    except DomainError as error:
        return _refused(request, session, settings, principal, engagement_id, error)
    return _back(request, engagement_id, "deliverables")


@pages.get("/{engagement_id}/deliverables/{deliverable_id}")
def deliverable_download(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Named,
    engagement_id: EngagementId,
    deliverable_id: DeliverableId,
) -> Response:
    opened = deliverables.read(
        session, actor_of(request, principal), master_key(settings), engagement_id, deliverable_id
    )
    ascii_name = opened.name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return Response(
        opened.content,
        media_type=opened.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"',
            "Cache-Control": "no-store",
        },
    )


@pages.get("/{engagement_id}/deadlines.ics")
def deadlines_calendar(
    request: Request, session: SessionDep, principal: Named, engagement_id: EngagementId
) -> Response:
    """The deadlines as iCalendar (RFC 5545), for a named person only."""
    seat = engagements.seat(session, actor_of(request, principal), engagement_id)
    found = deadlines(computed(session, seat.engagement))
    titles: dict[str, Any] = {key: gettext(value) for key, value in PHASE_TITLES.items()}
    for item in found:
        if item.key.startswith("weekly_report_"):
            titles[item.key] = gettext("Weekly report %(week)s", week=item.key.rsplit("_", 1)[1])
    text = calendar(
        encode(request, "engagement_id", seat.engagement.id),
        seat.engagement.code_name,
        found,
        titles,
        utcnow(),
    )
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="tlpt-deadlines.ics"',
            "Cache-Control": "no-store",
        },
    )
