"""Who is calling the TAXII server: an API token (Bearer, or the password of HTTP Basic), a session
cookie, or nobody (TAXII 2.1 §1.6.7 leaves the scheme to the server; HTTP Basic is RFC 7617).

Most TAXII clients (taxii2-client, stix2) only speak HTTP Basic, so the API token of the accounts
issue is also accepted as the Basic password; the user name is ignored. Permissions are then
applied per collection (:mod:`~cyberdelta.intel.service`) and per object (TLP 2.0).
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from cyberdelta.auth.tokens import authenticate_api_token
from cyberdelta.intel.caller import NOBODY, Caller
from cyberdelta.intel.http.media import TaxiiError
from cyberdelta.intel.tlp import Reader
from cyberdelta.platform.web.access import UNSAFE_METHODS, resolve_principal
from cyberdelta.platform.web.csrf import check_csrf
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal


def caller_for(principal: Principal | None) -> Caller:
    """The hub's view of an accounts principal."""
    if principal is None or principal.organisation_id is None:
        return NOBODY
    return Caller(
        reader=Reader(principal.organisation_id, principal.organisation_kind),
        read=principal.has(Permission.INTEL_READ),
        write=principal.has(Permission.INTEL_WRITE),
        admin=principal.has(Permission.INTEL_ADMIN),
        user_id=principal.user_id,
    )


def _basic_password(request: Request) -> str | None:
    scheme, _sep, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TaxiiError(401, "Unauthorized", "Authorization: malformed HTTP Basic credentials") from None
    return decoded.partition(":")[2]


async def taxii_caller(request: Request, db: SessionDep, settings: SettingsDep) -> Caller:
    """The caller of one TAXII request; bad credentials are a 401 TAXII error, none is anonymous."""
    password = _basic_password(request)
    if password is not None:
        principal = authenticate_api_token(db, password)
        if principal is None:
            raise TaxiiError(401, "Unauthorized", "the API token is unknown, expired or revoked")
        request.state.taxii_principal = principal
        return caller_for(principal)
    try:
        principal = resolve_principal(request, db, settings)
    except HTTPException as error:
        raise TaxiiError(error.status_code, "Unauthorized", str(error.detail)) from None
    if principal is not None and principal.token_id is None and request.method in UNSAFE_METHODS:
        # A browser session writing through TAXII must prove it is not a cross-site request.
        await check_csrf(request, settings)
    request.state.taxii_principal = principal  # who acts, for the audit entries of changes
    return caller_for(principal)


# TAXII is open to anonymous clients for public collections; intel:read / intel:write are then
# checked per collection and TLP per object (see the role × route table in docs/intel.md).
taxii_caller.policy = "public"  # type: ignore[attr-defined]
CallerDep = Annotated[Caller, Depends(taxii_caller)]
