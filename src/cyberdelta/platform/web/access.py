"""The one place where a request's caller is identified and authorised (docs/accounts.md, "Roles
and permissions"; OWASP ASVS 5.0 V8 "Authorization").

Every route declares a policy: :func:`require` (a permission of the table), :data:`signed_in`
(any signed-in user, e.g. their own passkeys), :data:`authenticated` (a signed-in user or an API
token) or :data:`public`. State-changing requests are
checked for a CSRF token (OWASP CSRF cheat sheet, "synchronizer token") unless they carry a
bearer token, which browsers never attach on their own.

Who the caller is comes from the :class:`Authenticator` that the accounts capability installs on
the application (``app.state.authenticator``); this module knows only the :class:`Caller`
protocol, so the platform imports no capability.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.settings import Settings
from cyberdelta.platform.web.csrf import FIELD as CSRF_FIELD
from cyberdelta.platform.web.csrf import check_csrf
from cyberdelta.platform.web.deps import SessionDep, SettingsDep


class Caller(Protocol):
    """What the policies need to know of a caller (a person in an organisation, or an API token)."""

    @property
    def user_id(self) -> int | None: ...

    @property
    def token_id(self) -> int | None: ...

    def has(self, permission: Any) -> bool: ...


class Authenticator(Protocol):
    """Identifies callers; installed by the accounts capability as ``app.state.authenticator``."""

    def resolve(self, request: Request, db: Session, settings: Settings) -> Caller | None:
        """The caller of ``request`` (an API token, a session cookie, or None); raises 401 for a
        presented but invalid token."""

    def is_stepped_up(self, request: Request, settings: Settings) -> bool:
        """Whether the request's session made a passkey assertion within the step-up window."""

    def needs_step_up(self, permission: Any) -> bool:
        """Whether using ``permission`` in a session needs a recent passkey assertion."""

    def step_up_purpose(self, permission: Any) -> str:
        """What using ``permission`` commits, in words, for the step-up page."""


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInRequiredError(Exception):
    """An anonymous visitor asked for a page that needs a signed-in member (answered by a redirect)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass(frozen=True)
class KeptForm:
    """A form post held back by a step-up (docs/home.md, "step-up keeps the form"): where it went and
    what the user typed (text fields only; files cannot be carried and must be chosen again)."""

    action: str
    fields: list[tuple[str, str]]
    had_files: bool
    permission: Any


class StepUpRequiredError(Exception):
    """The action commits the organisation and the last passkey assertion is too old.

    ``next_path`` is where to return after the step-up: the page itself, or for a form post the
    page the form was on. ``kept`` is the form post itself, when it carried fields: the step-up
    page holds them and posts them again once the passkey has confirmed, so the action completes
    with what the user typed.
    """

    def __init__(self, next_path: str, kept: KeptForm | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.kept = kept


def shown_fields(kept: KeptForm) -> list[tuple[str, str]]:
    """The kept text the step-up page repeats, labelled in words (never a field name)."""
    labels = {
        "comment": _("Comment"),
        "name": _("Name"),
        "opens_on": _("Opens on"),
        "closes_on": _("Closes on"),
    }
    return [(labels[key], value) for key, value in kept.fields if key in labels and value.strip()]


async def _kept_form(request: Request, permission: Any) -> KeptForm | None:
    """The text fields of a browser form post (the CSRF check has parsed the body already)."""
    if request.method not in UNSAFE_METHODS or not request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        return None
    form = await request.form()
    items = form.multi_items()
    fields = [(key, value) for key, value in items if isinstance(value, str) and key != CSRF_FIELD]
    had_files = any(not isinstance(value, str) for _key, value in form.multi_items())
    if not fields and not had_files:
        return None
    return KeptForm(request.url.path, fields, had_files, permission)


def is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/taxii2/"))


def authenticator(request: Request) -> Authenticator:
    installed: Authenticator = request.app.state.authenticator
    return installed


def resolve_principal(request: Request, db: Session, settings: Settings) -> Any:
    """The caller, resolved once per request (see :class:`Authenticator`)."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    request.state.auth_session = None
    principal = authenticator(request).resolve(request, db, settings)
    request.state.principal = principal
    return principal


async def _guard(request: Request, db: Session, settings: Settings) -> Any:
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


def require(permission: Any, *, step_up: bool | None = None) -> Callable[..., Any]:
    """A dependency returning the principal when it holds ``permission``: 401 anonymous, 403 otherwise.

    Permissions the authenticator marks (:meth:`Authenticator.needs_step_up`) also need a passkey
    assertion within ``Settings.step_up_minutes`` when used by a signed-in member
    (docs/accounts.md, "Step-up").
    """

    async def dependency(request: Request, db: SessionDep, settings: SettingsDep) -> Any:
        principal = await _guard(request, db, settings)
        if principal is None:
            raise _anonymous(request)
        if not principal.has(permission):
            raise HTTPException(
                status_code=403,
                # In words, never the permission's code (docs/home.md): the role is what the user knows.
                detail=_("Your role in this organisation does not allow this."),
            )
        checker = authenticator(request)
        needs_step_up = checker.needs_step_up(permission) if step_up is None else step_up
        in_session = request.state.auth_session is not None
        if needs_step_up and in_session and not checker.is_stepped_up(request, settings):
            if is_api(request):
                raise HTTPException(status_code=403, detail=_("Confirm with your passkey first (step-up)"))
            raise StepUpRequiredError(_return_path(request), await _kept_form(request, permission))
        return principal

    dependency.policy = permission  # type: ignore[attr-defined]
    return dependency


async def _signed_in(request: Request, db: SessionDep, settings: SettingsDep) -> Any:
    principal = await _guard(request, db, settings)
    if principal is None or principal.user_id is None:
        raise _anonymous(request)
    return principal


async def _signed_in_step_up(request: Request, db: SessionDep, settings: SettingsDep) -> Any:
    """A signed-in user who made a passkey assertion within the step-up window (key management)."""
    principal = await _signed_in(request, db, settings)
    if request.state.auth_session is None or not authenticator(request).is_stepped_up(request, settings):
        raise StepUpRequiredError(_return_path(request))
    return principal


async def _authenticated(request: Request, db: SessionDep, settings: SettingsDep) -> Any:
    principal = await _guard(request, db, settings)
    if principal is None:
        raise _anonymous(request)
    return principal


async def _public(request: Request, db: SessionDep, settings: SettingsDep) -> Any:
    return await _guard(request, db, settings)


_signed_in.policy = "signed_in"  # type: ignore[attr-defined]
_public.policy = "public"  # type: ignore[attr-defined]
_authenticated.policy = "authenticated"  # type: ignore[attr-defined]
_signed_in_step_up.policy = "signed_in"  # type: ignore[attr-defined]

signed_in = _signed_in
public = _public
authenticated = _authenticated
signed_in_step_up = _signed_in_step_up


def policy_of(dependency: Callable[..., Any]) -> Any:
    """The policy a dependency declares, for the role × route test and the docs."""
    return getattr(dependency, "policy", None)
