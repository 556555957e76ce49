"""A member's own account: organisations to act for, passkeys, recovery codes (docs/accounts.md).

Adding or revoking a passkey and renewing recovery codes is key management: it needs a passkey
assertion within the step-up window. A passkey of another user answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from cyberdelta.auth import account_changes, passkeys, recovery, sessions
from cyberdelta.auth.challenges import CeremonyError
from cyberdelta.auth.models import AuthSession, Passkey
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web import access
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.public_ids import PasskeyId
from cyberdelta.platform.web.schemas import MAX_ROW_ID
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.http.access import SignedInPrincipal, SteppedUpPrincipal
from cyberdelta.tenancy.models import User
from cyberdelta.tenancy.principal import Principal

router = APIRouter(prefix="/account", include_in_schema=False)


def _user(session: SessionDep, principal: SignedInPrincipal) -> User:
    user = session.get(User, principal.user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return user


def _account_page(
    request: Request, session: SessionDep, principal: SignedInPrincipal, **extra: Any
) -> HTMLResponse:
    user = _user(session, principal)
    context = {
        "user": user,
        "principal": principal,
        "memberships": tenancy.memberships_of(session, user.id),
        "passkeys": passkeys.active_passkeys(session, user.id),
        "recovery_left": recovery.remaining(session, user.id),
        "codes": None,
        "error": None,
        "recovering": request.state.auth_session is not None
        and sessions.may_enrol_after_recovery(request.state.auth_session),
    }
    context.update(extra)
    return render(request, "auth/account.html", context, status_code=400 if extra.get("error") else 200)


@router.get("", response_class=HTMLResponse)
def account(request: Request, session: SessionDep, principal: SignedInPrincipal) -> HTMLResponse:
    return _account_page(request, session, principal)


@router.post("/organisation")
def switch_organisation(
    request: Request,
    session: SessionDep,
    principal: SignedInPrincipal,
    organisation_id: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
) -> Response:
    """Act for another organisation the user belongs to (anything else answers 404)."""
    if not account_changes.switch_organisation(
        session, actor_of(request, principal), request.state.auth_session, organisation_id
    ):
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return redirect_to(request, "auth.account")


@router.post("/email-language")
def change_email_language(
    request: Request,
    session: SessionDep,
    principal: SignedInPrincipal,
    email_language: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The language of the member's own e-mails (reminders); audited with the old and new choice."""
    try:
        account_changes.change_email_language(
            session, actor_of(request, principal), _user(session, principal), email_language
        )
    except tenancy.TenancyError as error:
        return _account_page(request, session, principal, error=str(error))
    return redirect_to(request, "auth.account")


async def _enrolling(request: Request, db: SessionDep, settings: SettingsDep) -> Principal:
    """A signed-in user who stepped up, or whose session began with a recovery code moments ago."""
    principal: Principal = await access.signed_in(request, db, settings)
    row: AuthSession | None = request.state.auth_session
    if row is not None and sessions.may_enrol_after_recovery(row):
        return principal
    stepped_up: Principal = await access.signed_in_step_up(request, db, settings)
    return stepped_up


_enrolling.policy = "signed_in"  # type: ignore[attr-defined]
EnrollingPrincipal = Annotated[Principal, Depends(_enrolling)]


@router.post("/passkeys/options")
def add_passkey_options(
    request: Request, session: SessionDep, settings: SettingsDep, principal: EnrollingPrincipal
) -> JSONResponse:
    return JSONResponse(passkeys.registration_options(session, settings, _user(session, principal)))


@router.post("/passkeys/verify")
def add_passkey_verify(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EnrollingPrincipal,
    payload: Annotated[dict[str, Any], Body()],
) -> JSONResponse:
    credential = payload.get("credential")
    if not isinstance(credential, dict):
        return JSONResponse({"detail": _("credential: missing")}, status_code=422)
    try:
        account_changes.add_passkey(
            session,
            settings,
            actor_of(request, principal),
            _user(session, principal),
            credential,
            str(payload.get("name") or ""),
        )
    except CeremonyError as error:
        return JSONResponse({"detail": str(error)}, status_code=400)
    return JSONResponse({"redirect": "/account"})


@router.post("/passkeys/{passkey_id}/rename")
def rename_passkey(
    request: Request,
    session: SessionDep,
    principal: SignedInPrincipal,
    passkey_id: PasskeyId,
    name: Annotated[str, Form(max_length=200)],
) -> Response:
    user_id = _user(session, principal).id
    actor = actor_of(request, principal)
    return _change_passkey(
        request,
        session,
        principal,
        lambda: account_changes.rename_passkey(session, actor, user_id, passkey_id, name),
    )


@router.post("/passkeys/{passkey_id}/revoke")
def revoke_passkey(
    request: Request, session: SessionDep, principal: SteppedUpPrincipal, passkey_id: PasskeyId
) -> Response:
    user_id = _user(session, principal).id
    actor = actor_of(request, principal)
    return _change_passkey(
        request,
        session,
        principal,
        lambda: account_changes.revoke_passkey(session, actor, user_id, passkey_id),
    )


def _change_passkey(
    request: Request,
    session: SessionDep,
    principal: SignedInPrincipal,
    change: Callable[[], Passkey | None],
) -> Response:
    """Apply a change to one of the member's own passkeys: 404 when it is not theirs."""
    try:
        found = change()
    except CeremonyError as error:
        return _account_page(request, session, principal, error=str(error))
    if found is None:
        raise HTTPException(status_code=404, detail=_("The page was not found."))
    return redirect_to(request, "auth.account")


@router.post("/recovery-codes", response_class=HTMLResponse)
def new_recovery_codes(request: Request, session: SessionDep, principal: SteppedUpPrincipal) -> HTMLResponse:
    """A fresh set of recovery codes, shown on this one response only."""
    codes = account_changes.renew_recovery_codes(
        session, actor_of(request, principal), _user(session, principal).id
    )
    return _account_page(request, session, principal, codes=codes)
