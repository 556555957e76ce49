"""Sign-in, enrolment from an invitation, step-up, recovery and sign-out (docs/accounts.md).

The passkey ceremonies are two JSON calls each, made by ``static/passkey.js``: ``…/options``
returns the options for ``navigator.credentials``, ``…/verify`` checks the browser's answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from cyberdelta.auth import ceremonies, challenges, passkeys, throttle
from cyberdelta.auth.challenges import CeremonyError
from cyberdelta.auth.http.cookies import clear_session_cookie, set_session_cookie
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import public
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.navigation import safe_next
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.http.access import CurrentPrincipal, SignedInPrincipal
from cyberdelta.tenancy.models import Organisation, User

router = APIRouter(prefix="/auth", include_in_schema=False)
Payload = Annotated[dict[str, Any], Body()]


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
    request: Request, settings: SettingsDep, signed_in: ceremonies.SignedIn, target: str
) -> JSONResponse:
    request.state.auth_session = signed_in.row
    response = JSONResponse({"redirect": safe_next(target)})
    set_session_cookie(response, settings, signed_in.raw)
    return response


@router.get("/sign-in", response_class=HTMLResponse, dependencies=[Depends(public)])
def sign_in_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "auth/sign_in.html", {"next": safe_next(next)})


@router.post("/sign-in/options", dependencies=[Depends(public)])
def sign_in_options(request: Request, session: SessionDep, settings: SettingsDep) -> JSONResponse:
    if ceremonies.is_locked(session, settings, actor_of(request)):
        return _refuse(_("Too many failed sign-ins: try again in a few minutes."), 429)
    return JSONResponse(passkeys.authentication_options(session, settings, challenges.SIGN_IN))


@router.post("/sign-in/verify", dependencies=[Depends(public)])
def sign_in_verify(
    request: Request, session: SessionDep, settings: SettingsDep, payload: Payload
) -> JSONResponse:
    actor = actor_of(request)
    if ceremonies.is_locked(session, settings, actor):
        return _refuse(_("Too many failed sign-ins: try again in a few minutes."), 429)
    try:
        signed_in = ceremonies.sign_in(session, settings, actor, _credential(payload))
    except CeremonyError as error:
        return _refuse(str(error))
    return _signed_in_response(request, settings, signed_in, str(payload.get("next") or "/"))


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
    ceremonies.accept_invitation(
        session, actor_of(request, principal), request.state.auth_session, invitation
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
        signed_in = ceremonies.enrol(
            session,
            settings,
            actor_of(request),
            invitation,
            _credential(payload),
            str(payload.get("name") or ""),
        )
    except CeremonyError as error:
        return _refuse(str(error))
    return _signed_in_response(request, settings, signed_in, "/account")


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
        ceremonies.step_up(
            session,
            settings,
            actor_of(request, principal),
            request.state.auth_session,
            user,
            _credential(payload),
        )
    except CeremonyError as error:
        return _refuse(str(error))
    return JSONResponse({"redirect": safe_next(str(payload.get("next") or "/account"))})


@router.post("/sign-out")
def sign_out(
    request: Request, session: SessionDep, settings: SettingsDep, principal: SignedInPrincipal
) -> Response:
    ceremonies.sign_out(session, actor_of(request, principal), request.state.auth_session)
    response = redirect_to(request, "home.home")
    clear_session_cookie(response, settings)
    return response


@router.post("/sign-out-everywhere")
def sign_out_everywhere(
    request: Request, session: SessionDep, settings: SettingsDep, principal: SignedInPrincipal
) -> Response:
    assert principal.user_id is not None  # noqa: S101 (signed in)
    ceremonies.sign_out_everywhere(session, actor_of(request, principal), principal.user_id)
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
    actor = actor_of(request, principal)
    if ceremonies.is_locked(session, settings, actor, throttle.account_key(email)):
        message = _("Too many failed sign-ins: try again in a few minutes.")
        return render(request, "auth/recover.html", {"error": message, "email": email}, status_code=429)
    signed_in = ceremonies.recover(session, settings, actor, email, code)
    if signed_in is None:
        message = _("code: this e-mail address and recovery code do not match an unused code")
        return render(request, "auth/recover.html", {"error": message, "email": email}, status_code=400)
    # The person lost their passkeys: this session may enrol a new one (and nothing else that needs
    # a step-up) for the step-up window, and is taken to where that is done.
    response = redirect_to(request, "auth.account")
    set_session_cookie(response, settings, signed_in.raw)
    return response
