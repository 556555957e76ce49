"""Accounts JSON API (``/api/v1``): who am I; usable with a session cookie or an API token."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cyberdelta.platform.web.public_ids import encode
from cyberdelta.platform.web.schemas import PrincipalOut, error_responses
from cyberdelta.tenancy.http.access import AnyPrincipal

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=error_responses(401))


@router.get("/me", response_model=PrincipalOut)
def me(request: Request, principal: AnyPrincipal) -> PrincipalOut:
    """The acting principal: organisation, role and permissions (RFC 6750 bearer tokens accepted)."""
    return PrincipalOut(
        user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        organisation_kind=principal.organisation_kind,
        role=principal.role.value if principal.role else None,
        permissions=sorted(principal.permissions),
        token_id=encode(request, "token_id", principal.token_id) if principal.token_id is not None else None,
    )
