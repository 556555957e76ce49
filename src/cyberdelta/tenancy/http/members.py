"""Members and invitations of the acting organisation (docs/accounts.md).

Every query is scoped to ``principal.organisation_id``; a member or invitation of another
organisation answers 404. Role changes need a recent passkey assertion (members:manage is a
step-up permission).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.audit import log
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.schemas import RowId
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy import invitations, mail, service
from cyberdelta.tenancy.models import Membership, Organisation, OrganisationKind
from cyberdelta.tenancy.permissions import ROLES_BY_KIND, Permission
from cyberdelta.tenancy.principal import Principal
from cyberdelta.tenancy.service import TenancyError

router = APIRouter(prefix="/org", include_in_schema=False)
Manager = Annotated[Principal, Depends(require(Permission.MEMBERS_MANAGE))]


def _organisation(session: Session, principal: Principal) -> Organisation:
    organisation = session.get(Organisation, principal.organisation_id) if principal.organisation_id else None
    if organisation is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return organisation


def _member_of(session: Session, principal: Principal, membership_id: RowId) -> Membership:
    found = (
        service.membership_in(session, principal.organisation_id, membership_id)
        if principal.organisation_id
        else None
    )
    if found is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return found


def _page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    link: str | None = None,
    emailed: bool = False,
    error: str | None = None,
) -> HTMLResponse:
    organisation = _organisation(session, principal)
    roles = sorted(ROLES_BY_KIND[OrganisationKind(organisation.kind)])
    context = {
        "organisation": organisation,
        "members": service.members_of(session, organisation.id),
        "invitations": invitations.open_invitations(session, organisation.id),
        "roles": roles,
        "link": link,
        "emailed": emailed,
        "error": error,
    }
    return render(request, "tenancy/members.html", context, status_code=400 if error else 200)


@router.get("/members", response_class=HTMLResponse)
def members(request: Request, session: SessionDep, principal: Manager) -> HTMLResponse:
    return _page(request, session, principal)


@router.post("/invitations", response_class=HTMLResponse)
def invite(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Manager,
    email: Annotated[str, Form(max_length=254)],
    role: Annotated[str, Form(max_length=40)],
    email_language: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    """Create a one-time invitation; the link is shown once and e-mailed when SMTP is configured,
    in the e-mail language chosen for the person (unless they chose one themselves)."""
    organisation = _organisation(session, principal)
    try:
        invitation, url = invitations.create_invitation(
            session, settings, organisation, email, role, principal.user_id, email_language
        )
    except TenancyError as error:
        return _page(request, session, principal, error=str(error))
    log(
        request,
        session,
        "tenancy.invitation_created",
        principal=principal,
        object_type="invitation",
        object_id=invitation.id,
        details={"email": invitation.email, "role": invitation.role},
    )
    emailed = mail.send_invitation(settings, invitations.invited_user(session, invitation), url, organisation)
    return _page(request, session, principal, link=url, emailed=emailed)


@router.post("/invitations/{invitation_id}/revoke")
def revoke_invitation(
    request: Request, session: SessionDep, principal: Manager, invitation_id: RowId
) -> Response:
    found = invitations.revoke_invitation(session, _organisation(session, principal).id, invitation_id)
    if found is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    log(
        request,
        session,
        "tenancy.invitation_revoked",
        principal=principal,
        object_type="invitation",
        object_id=found.id,
    )
    return redirect_to(request, "tenancy.members")


@router.post("/members/{membership_id}/role", response_class=HTMLResponse)
def change_role(
    request: Request,
    session: SessionDep,
    principal: Manager,
    membership_id: RowId,
    role: Annotated[str, Form(max_length=40)],
) -> Response:
    found = _member_of(session, principal, membership_id)
    before = found.role
    try:
        service.set_membership(session, found.user, _organisation(session, principal), role)
    except TenancyError as error:
        return _page(request, session, principal, error=str(error))
    log(
        request,
        session,
        "tenancy.role_changed",
        principal=principal,
        object_type="membership",
        object_id=found.id,
        details={"from": before, "to": found.role},
    )
    return redirect_to(request, "tenancy.members")


@router.post("/members/{membership_id}/remove")
def remove_member(
    request: Request, session: SessionDep, principal: Manager, membership_id: RowId
) -> Response:
    found = _member_of(session, principal, membership_id)
    if found.user_id == principal.user_id:
        return _page(request, session, principal, error=_("member: you cannot remove yourself"))
    log(
        request,
        session,
        "tenancy.member_removed",
        principal=principal,
        object_type="membership",
        object_id=found.id,
        details={"user_id": found.user_id, "role": found.role},
    )
    session.delete(found)
    return redirect_to(request, "tenancy.members")
