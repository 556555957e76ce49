"""Sign-in, enrolment from an invitation, step-up, recovery and sign-out (docs/accounts.md).

The passkey ceremonies are two JSON calls each, made by ``static/passkey.js``: ``…/options``
returns the options for ``navigator.credentials``, ``…/verify`` checks the browser's answer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from cyberdelta.auth import challenges, passkeys, recovery, sessions, throttle
from cyberdelta.auth.challenges import CeremonyError
from cyberdelta.auth.http.cookies import clear_session_cookie, set_session_cookie
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import public
from cyberdelta.platform.web.audit import log
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.navigation import safe_next
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.http.access import CurrentPrincipal, SignedInPrincipal
from cyberdelta.tenancy.models import Organisation, User

router = APIRouter(prefix="/auth", include_in_schema=False)
Payload = Annotated[dict[str, Any], Body()]


def _client_key(request: Request) -> str:
    return throttle.client_key(request.client.host if request.client else None)


def _credential(payload: dict[str, Any]) -> dict[str, Any]:
    credential = payload.get("credential")
    if not isinstance(credential, dict):
        raise HTTPException(status_code=422, detail=_("credential: missing"))
    return credential


def _gone() -> str:
    return _("This invitation is unknown, used, revoked or expired.")


def _refuse(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def _signed_in_response(
    request: Request, session: SessionDep, settings: SettingsDep, user: User, target: str, *, stepped_up: bool
) -> JSONResponse:
    row, raw = sessions.start_session(session, settings, user.id, stepped_up=stepped_up)
    request.state.auth_session = row
    response = JSONResponse({"redirect": safe_next(target)})
    set_session_cookie(response, settings, raw)
    return response


@router.get("/sign-in", response_class=HTMLResponse, dependencies=[Depends(public)])
def sign_in_page(request: Request, next: str = "/account") -> HTMLResponse:
    return render(request, "auth/sign_in.html", {"next": safe_next(next)})


@router.post("/sign-in/options", dependencies=[Depends(public)])
def sign_in_options(request: Request, session: SessionDep, settings: SettingsDep) -> JSONResponse:
    if throttle.is_locked(session, settings, client=_client_key(request)):
        return _refuse(_("Too many failed sign-ins: try again in a few minutes."), 429)
    return JSONResponse(passkeys.authentication_options(session, settings, challenges.SIGN_IN))


@router.post("/sign-in/verify", dependencies=[Depends(public)])
def sign_in_verify(
    request: Request, session: SessionDep, settings: SettingsDep, payload: Payload
) -> JSONResponse:
    if throttle.is_locked(session, settings, client=_client_key(request)):
        return _refuse(_("Too many failed sign-ins: try again in a few minutes."), 429)
    try:
        passkey = passkeys.authenticate(session, settings, _credential(payload), challenges.SIGN_IN)
    except CeremonyError as error:
        _record_failure(request, session, str(error))
        return _refuse(str(error))
    user = session.get(User, passkey.user_id)
    assert user is not None  # noqa: S101 (foreign key)
    throttle.clear(session, settings, throttle.account_key(user.email))
    response = _signed_in_response(
        request, session, settings, user, str(payload.get("next") or "/account"), stepped_up=True
    )
    row = request.state.auth_session
    log(
        request,
        session,
        "auth.sign_in",
        user_id=user.id,
        organisation_id=row.organisation_id,
        object_type="passkey",
        object_id=passkey.id,
    )
    return response


def _record_failure(request: Request, session: SessionDep, reason: str, account: str | None = None) -> None:
    """Count (per client address, and per account when known) and audit a failure. The refusal is a
    normal response, so this (and the spent challenge) commits with the request's transaction."""
    throttle.record_failure(session, [_client_key(request), *([account] if account else [])])
    log(request, session, "auth.sign_in_failed", details={"reason": reason[:300]})


@router.get("/enrol/{token}", response_class=HTMLResponse, dependencies=[Depends(public)])
def enrol_page(
    request: Request, session: SessionDep, principal: CurrentPrincipal, token: str
) -> HTMLResponse:
    invitation = invitations.find_open_invitation(session, token)
    if invitation is None:
        raise HTTPException(status_code=404, detail=_gone())
    organisation = session.get(Organisation, invitation.organisation_id)
    user = invitations.invited_user(session, invitation)
    context = {
        "invitation": invitation,
        "organisation": organisation,
        "token": token,
        "existing": bool(passkeys.active_passkeys(session, user.id)),
        "is_invitee": principal is not None and principal.user_id == user.id,
    }
    return render(request, "auth/enrol.html", context)


def _has_account(session: SessionDep, user: User) -> bool:
    """Someone who already has a passkey accepts an invitation by signing in, never by enrolling a
    new passkey from the link: otherwise whoever can invite an address could take over its account."""
    return bool(passkeys.active_passkeys(session, user.id))


def _existing_account() -> str:
    return _("invitation: this e-mail address already has a passkey; sign in, then open the link again")


@router.post("/enrol/{token}/accept")
def enrol_accept(request: Request, session: SessionDep, principal: SignedInPrincipal, token: str) -> Response:
    """A signed-in user accepts an invitation addressed to them (another user's answers 404)."""
    invitation = invitations.find_open_invitation(session, token)
    if invitation is None or invitations.invited_user(session, invitation).id != principal.user_id:
        raise HTTPException(status_code=404, detail=_gone())
    invitations.accept(session, invitation)
    request.state.auth_session.organisation_id = invitation.organisation_id
    log(
        request,
        session,
        "tenancy.invitation_accepted",
        user_id=principal.user_id,
        organisation_id=invitation.organisation_id,
        object_type="invitation",
        object_id=invitation.id,
        details={"role": invitation.role},
    )
    return redirect_to(request, "auth.account")


@router.post("/enrol/{token}/options", dependencies=[Depends(public)])
def enrol_options(request: Request, session: SessionDep, settings: SettingsDep, token: str) -> JSONResponse:
    invitation = invitations.find_open_invitation(session, token)
    if invitation is None:
        return _refuse(_gone(), 404)
    user = invitations.invited_user(session, invitation)
    if _has_account(session, user):
        return _refuse(_existing_account(), 409)
    return JSONResponse(passkeys.registration_options(session, settings, user, invitation_id=invitation.id))


@router.post("/enrol/{token}/verify", dependencies=[Depends(public)])
def enrol_verify(
    request: Request, session: SessionDep, settings: SettingsDep, token: str, payload: Payload
) -> JSONResponse:
    invitation = invitations.find_open_invitation(session, token)
    if invitation is None:
        return _refuse(_gone(), 404)
    user = invitations.invited_user(session, invitation)
    if _has_account(session, user):
        return _refuse(_existing_account(), 409)
    try:
        passkey = passkeys.register(
            session,
            settings,
            user,
            _credential(payload),
            str(payload.get("name") or ""),
            invitation_id=invitation.id,
        )
    except CeremonyError as error:
        return _refuse(str(error))
    invitations.accept(session, invitation)
    response = _signed_in_response(request, session, settings, user, "/account", stepped_up=True)
    request.state.auth_session.organisation_id = invitation.organisation_id
    log(
        request,
        session,
        "auth.enrolled",
        user_id=user.id,
        organisation_id=invitation.organisation_id,
        object_type="invitation",
        object_id=invitation.id,
        details={"role": invitation.role, "passkey_id": passkey.id},
    )
    return response


@router.get("/step-up", response_class=HTMLResponse)
def step_up_page(request: Request, principal: SignedInPrincipal, next: str = "/account") -> HTMLResponse:
    return render(request, "auth/step_up.html", {"next": safe_next(next)})


@router.post("/step-up/options")
def step_up_options(
    request: Request, session: SessionDep, settings: SettingsDep, principal: SignedInPrincipal
) -> JSONResponse:
    user = session.get(User, principal.user_id)
    assert user is not None  # noqa: S101 (signed in)
    return JSONResponse(passkeys.authentication_options(session, settings, challenges.STEP_UP, user))


@router.post("/step-up/verify")
def step_up_verify(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: SignedInPrincipal,
    payload: Payload,
) -> JSONResponse:
    user = session.get(User, principal.user_id)
    assert user is not None  # noqa: S101 (signed in)
    try:
        passkey = passkeys.authenticate(session, settings, _credential(payload), challenges.STEP_UP, user)
    except CeremonyError as error:
        _record_failure(request, session, str(error))
        return _refuse(str(error))
    request.state.auth_session.stepped_up_at = utcnow()
    log(request, session, "auth.step_up", principal=principal, object_type="passkey", object_id=passkey.id)
    return JSONResponse({"redirect": safe_next(str(payload.get("next") or "/account"))})


@router.post("/sign-out")
def sign_out(
    request: Request, session: SessionDep, settings: SettingsDep, principal: SignedInPrincipal
) -> Response:
    sessions.end_session(session, request.state.auth_session)
    log(request, session, "auth.sign_out", principal=principal)
    response = redirect_to(request, "home.home")
    clear_session_cookie(response, settings)
    return response


@router.post("/sign-out-everywhere")
def sign_out_everywhere(
    request: Request, session: SessionDep, settings: SettingsDep, principal: SignedInPrincipal
) -> Response:
    assert principal.user_id is not None  # noqa: S101 (signed in)
    ended = sessions.end_all_sessions(session, principal.user_id)
    log(request, session, "auth.sign_out_everywhere", principal=principal, details={"sessions": ended})
    response = redirect_to(request, "home.home")
    clear_session_cookie(response, settings)
    return response


@router.get("/recover", response_class=HTMLResponse, dependencies=[Depends(public)])
def recover_page(request: Request) -> HTMLResponse:
    return render(request, "auth/recover.html", {"error": None, "email": ""})


@router.post("/recover", dependencies=[Depends(public)])
def recover(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    email: Annotated[str, Form(max_length=254)],
    code: Annotated[str, Form(max_length=40)],
) -> Response:
    """Sign in with a one-time recovery code; the session is not stepped up."""
    account = throttle.account_key(email)
    if throttle.is_locked(session, settings, client=_client_key(request), account=account):
        message = _("Too many failed sign-ins: try again in a few minutes.")
        return render(request, "auth/recover.html", {"error": message, "email": email}, status_code=429)
    user = tenancy.get_user_by_email(session, email)
    if user is None or not recovery.use_code(session, user.id, code):
        _record_failure(request, session, "recovery code refused", account)
        message = _("code: this e-mail address and recovery code do not match an unused code")
        return render(request, "auth/recover.html", {"error": message, "email": email}, status_code=400)
    throttle.clear(session, settings, account)
    row, raw = sessions.start_session(session, settings, user.id, stepped_up=False)
    # The person lost their passkeys: this session may enrol a new one (and nothing else that needs
    # a step-up) for the step-up window, and is taken to where that is done.
    row.recovery_enrol_until = utcnow() + timedelta(minutes=settings.step_up_minutes)
    log(request, session, "auth.recovery_code_used", user_id=user.id, organisation_id=row.organisation_id)
    response = redirect_to(request, "auth.account")
    set_session_cookie(response, settings, raw)
    return response
