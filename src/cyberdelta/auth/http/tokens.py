"""API tokens of the acting organisation: a page and a JSON API (docs/accounts.md).

A member may only grant permissions they hold themselves; the raw token is shown once.
Creating and revoking tokens is key management (a step-up permission for signed-in members).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from cyberdelta.auth.models import ApiToken
from cyberdelta.auth.tokens import PERSON_ONLY, create_api_token, revoke_api_token, tokens_of
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import TokenId, encode
from cyberdelta.platform.web.schemas import ApiTokenOut, RowId, error_responses
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy.permissions import Permission, parse_permission
from cyberdelta.tenancy.principal import Principal
from cyberdelta.tenancy.service import TenancyError

pages = APIRouter(prefix="/org/tokens", include_in_schema=False)
api = APIRouter(prefix="/api/v1/tokens", tags=["accounts"], responses=error_responses(401, 403))
TokenManager = Annotated[Principal, Depends(require(Permission.TOKENS_MANAGE))]


def _grantable(principal: Principal) -> list[str]:
    """What the member holds, less what needs a person's passkey confirmation."""
    return sorted(principal.permissions - PERSON_ONLY)


def _page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    raw: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    assert principal.organisation_id is not None  # noqa: S101 (a permission implies an organisation)
    context = {
        "tokens": tokens_of(session, principal.organisation_id),
        "grantable": _grantable(principal),
        "raw": raw,
        "error": error,
    }
    return render(request, "auth/tokens.html", context, status_code=400 if error else 200)


@pages.get("", response_class=HTMLResponse)
def token_page(request: Request, session: SessionDep, principal: TokenManager) -> HTMLResponse:
    return _page(request, session, principal)


@pages.post("", response_class=HTMLResponse)
async def create_token(request: Request, session: SessionDep, principal: TokenManager) -> HTMLResponse:
    form = await request.form()
    name = str(form.get("name") or "")
    chosen = [str(value) for value in form.getlist("permission")]
    expires_text = str(form.get("expires_days") or "").strip()
    parsed = [parse_permission(value) for value in chosen]
    if any(item is None or item not in principal.permissions for item in parsed):
        return _page(
            request, session, principal, error=_("permission: you can only grant permissions you hold")
        )
    if expires_text and not expires_text.isdigit():
        return _page(request, session, principal, error=_("expires: give a whole number of days"))
    assert principal.organisation_id is not None  # noqa: S101 (a permission implies an organisation)
    try:
        _token, raw = create_api_token(
            session,
            organisation_id=principal.organisation_id,
            name=name,
            permissions=[item for item in parsed if item is not None],
            actor=actor_of(request, principal),
            expires_in_days=int(expires_text) if expires_text else None,
        )
    except TenancyError as error:
        return _page(request, session, principal, error=str(error))
    return _page(request, session, principal, raw=raw)


@pages.post("/{token_id}/revoke")
def revoke_token_page(
    request: Request, session: SessionDep, principal: TokenManager, token_id: TokenId
) -> Response:
    _revoke(request, session, principal, token_id)
    return redirect_to(request, "auth.token_page")


def _revoke(request: Request, session: SessionDep, principal: Principal, token_id: RowId) -> ApiToken:
    assert principal.organisation_id is not None  # noqa: S101 (a permission implies an organisation)
    found = revoke_api_token(session, actor_of(request, principal), principal.organisation_id, token_id)
    if found is None:
        raise HTTPException(status_code=404, detail=_("No such API token"))
    return found


def _out(request: Request, token: ApiToken) -> ApiTokenOut:
    """The token as listed; its ``id`` is the public id that ``DELETE /api/v1/tokens/{token_id}`` takes."""
    return ApiTokenOut(
        id=encode(request, "token_id", token.id),
        name=token.name,
        prefix=token.prefix,
        permissions=token.permissions,
        created_at=token.created_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        last_used_at=token.last_used_at,
    )


@api.get("", response_model=list[ApiTokenOut])
def list_tokens(request: Request, session: SessionDep, principal: TokenManager) -> list[ApiTokenOut]:
    """The acting organisation's API tokens (never the secrets, only their first characters)."""
    assert principal.organisation_id is not None  # noqa: S101 (a permission implies an organisation)
    return [_out(request, token) for token in tokens_of(session, principal.organisation_id)]


@api.delete("/{token_id}", response_model=ApiTokenOut, responses={404: {"description": "No such API token"}})
def revoke_token(
    request: Request, session: SessionDep, principal: TokenManager, token_id: TokenId
) -> ApiTokenOut:
    """Revoke one of the acting organisation's tokens; another organisation's token answers 404."""
    return _out(request, _revoke(request, session, principal, token_id))
