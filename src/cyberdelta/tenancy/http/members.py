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
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.public_ids import InvitationId, MembershipId
from cyberdelta.platform.web.schemas import RowId
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy import administration, invitations, mail, service
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
        invitation, url = administration.invite(
            session, settings, actor_of(request, principal), organisation, email, role, email_language
        )
    except TenancyError as error:
        return _page(request, session, principal, error=str(error))
    emailed = mail.send_invitation(settings, invitations.invited_user(session, invitation), url, organisation)
    return _page(request, session, principal, link=url, emailed=emailed)


@router.post("/invitations/{invitation_id}/revoke")
def revoke_invitation(
    request: Request, session: SessionDep, principal: Manager, invitation_id: InvitationId
) -> Response:
    found = administration.revoke_invitation(
        session, actor_of(request, principal), _organisation(session, principal).id, invitation_id
    )
    if found is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return redirect_to(request, "tenancy.members")


@router.post("/members/{membership_id}/role", response_class=HTMLResponse)
def change_role(
    request: Request,
    session: SessionDep,
    principal: Manager,
    membership_id: MembershipId,
    role: Annotated[str, Form(max_length=40)],
) -> Response:
    found = _member_of(session, principal, membership_id)
    try:
        administration.change_role(
            session, actor_of(request, principal), found, _organisation(session, principal), role
        )
    except TenancyError as error:
        return _page(request, session, principal, error=str(error))
    return redirect_to(request, "tenancy.members")


@router.post("/members/{membership_id}/remove")
def remove_member(
    request: Request, session: SessionDep, principal: Manager, membership_id: MembershipId
) -> Response:
    found = _member_of(session, principal, membership_id)
    if found.user_id == principal.user_id:
        return _page(request, session, principal, error=_("member: you cannot remove yourself"))
    administration.remove_member(session, actor_of(request, principal), found)
    return redirect_to(request, "tenancy.members")
