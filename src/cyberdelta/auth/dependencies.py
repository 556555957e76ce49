"""The one place where a request's caller is identified and authorised (DESIGN §8).

Every route declares a policy: :func:`require` (a permission of the table), :data:`signed_in`
(any signed-in user, e.g. their own passkeys), :data:`authenticated` (a signed-in user or an API
token) or :data:`public`. State-changing requests are
checked for a CSRF token (OWASP CSRF cheat sheet, "synchronizer token") unless they carry a
bearer token, which browsers never attach on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from cyberdelta.auth import sessions
from cyberdelta.auth.csrf import check_csrf
from cyberdelta.auth.models import AuthSession
from cyberdelta.auth.permissions import STEP_UP_PERMISSIONS, Permission
from cyberdelta.auth.principal import Principal
from cyberdelta.auth.tokens import authenticate_api_token
from cyberdelta.i18n import gettext as _
from cyberdelta.settings import Settings
from cyberdelta.web.deps import SessionDep, SettingsDep

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInRequiredError(Exception):
    """An anonymous visitor asked for a page that needs a signed-in member (answered by a redirect)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class StepUpRequiredError(Exception):
    """The action commits the organisation and the last passkey assertion is too old.

    ``next_path`` is where to return after the step-up: the page itself, or for a form post the
    page the form was on (a redirect cannot repeat a POST).
    """

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/taxii2/"))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def resolve_principal(request: Request, db: Session, settings: Settings) -> Principal | None:
    """The caller: an API token when one is presented, else the session cookie, else None."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    principal: Principal | None = None
    request.state.auth_session = None
    raw_token = _bearer(request)
    if raw_token is not None:
        principal = authenticate_api_token(db, raw_token)
        if principal is None:
            raise HTTPException(
                status_code=401,
                detail=_("Authorization: the API token is unknown, expired or revoked"),
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
    else:
        row = sessions.resolve_session(db, settings, request.cookies.get(sessions.cookie_name(settings)))
        if row is not None:
            request.state.auth_session = row
            principal = sessions.principal_for(db, row)
    request.state.principal = principal
    return principal


async def _guard(request: Request, db: Session, settings: Settings) -> Principal | None:
    principal = resolve_principal(request, db, settings)
    if request.method in UNSAFE_METHODS and (principal is None or principal.token_id is None):
        await check_csrf(request, settings)
    return principal


def _return_path(request: Request) -> str:
    if request.method not in UNSAFE_METHODS:
        return request.url.path
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc in ("", request.url.netloc)
    return referer.path if same_site and referer.path.startswith("/") else "/account"


def _anonymous(request: Request) -> Exception:
    if is_api(request):
        return HTTPException(
            status_code=401,
            detail=_("Authorization: sign in or send an API token"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return SignInRequiredError(request.url.path)


def require(permission: Permission, *, step_up: bool | None = None) -> Callable[..., Any]:
    """A dependency returning the principal when it holds ``permission``: 401 anonymous, 403 otherwise.

    Permissions in :data:`STEP_UP_PERMISSIONS` also need a passkey assertion within
    ``Settings.step_up_minutes`` when used by a signed-in member (issue #4, step-up).
    """
    needs_step_up = permission in STEP_UP_PERMISSIONS if step_up is None else step_up

    async def dependency(request: Request, db: SessionDep, settings: SettingsDep) -> Principal:
        principal = await _guard(request, db, settings)
        if principal is None:
            raise _anonymous(request)
        if not principal.has(permission):
            raise HTTPException(
                status_code=403,
                detail=_("You do not have the permission %(permission)s", permission=permission),
            )
        row: AuthSession | None = request.state.auth_session
        if needs_step_up and row is not None and not sessions.is_stepped_up(row, settings):
            if is_api(request):
                raise HTTPException(status_code=403, detail=_("Confirm with your passkey first (step-up)"))
            raise StepUpRequiredError(_return_path(request))
        return principal

    dependency.policy = permission  # type: ignore[attr-defined]
    return dependency


async def _signed_in(request: Request, db: SessionDep, settings: SettingsDep) -> Principal:
    principal = await _guard(request, db, settings)
    if principal is None or principal.user_id is None:
        raise _anonymous(request)
    return principal


async def _signed_in_step_up(request: Request, db: SessionDep, settings: SettingsDep) -> Principal:
    """A signed-in user who made a passkey assertion within the step-up window (key management)."""
    principal = await _signed_in(request, db, settings)
    row: AuthSession | None = request.state.auth_session
    if row is None or not sessions.is_stepped_up(row, settings):
        raise StepUpRequiredError(_return_path(request))
    return principal


async def _authenticated(request: Request, db: SessionDep, settings: SettingsDep) -> Principal:
    principal = await _guard(request, db, settings)
    if principal is None:
        raise _anonymous(request)
    return principal


async def _public(request: Request, db: SessionDep, settings: SettingsDep) -> Principal | None:
    return await _guard(request, db, settings)


_signed_in.policy = "signed_in"  # type: ignore[attr-defined]
_public.policy = "public"  # type: ignore[attr-defined]
_authenticated.policy = "authenticated"  # type: ignore[attr-defined]
_signed_in_step_up.policy = "signed_in"  # type: ignore[attr-defined]

signed_in = _signed_in
public = _public
authenticated = _authenticated

CurrentPrincipal = Annotated[Principal | None, Depends(_public)]
SignedInPrincipal = Annotated[Principal, Depends(_signed_in)]
AnyPrincipal = Annotated[Principal, Depends(_authenticated)]
SteppedUpPrincipal = Annotated[Principal, Depends(_signed_in_step_up)]


def policy_of(dependency: Callable[..., Any]) -> Permission | str | None:
    """The policy a dependency declares, for the role × route test and the docs."""
    value: Permission | str | None = getattr(dependency, "policy", None)
    return value
