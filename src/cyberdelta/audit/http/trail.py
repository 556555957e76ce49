"""The audit trail as a page and a JSON API (docs/accounts.md).

An organisation admin reads their own organisation's entries; the platform admin (audit:read_all)
reads every organisation's. Reading the trail is itself not audited (it would grow without end).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from cyberdelta.platform.audit import service
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.schemas import error_responses
from cyberdelta.platform.web.templating import render
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

pages = APIRouter(prefix="/org/audit", include_in_schema=False)
api = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=error_responses(401, 403))
Reader = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]
Limit = Annotated[int, Query(ge=1, le=1000)]


class AuditEntryOut(BaseModel):
    """One entry of the hash chain."""

    sequence: int
    occurred_at: datetime
    action: str
    actor_user_id: int | None
    organisation_id: int | None
    object_type: str | None
    object_id: str | None
    request_id: str | None
    details: dict[str, Any]
    previous_hash: str
    entry_hash: str


def _scope(principal: Principal) -> int | None:
    """None (everything) only for a holder of audit:read_all; otherwise the acting organisation."""
    if principal.has(Permission.AUDIT_READ_ALL):
        return None
    return principal.organisation_id if principal.organisation_id is not None else -1


@pages.get("", response_class=HTMLResponse)
def audit_page(request: Request, session: SessionDep, principal: Reader, limit: Limit = 200) -> HTMLResponse:
    rows = service.entries(session, organisation_id=_scope(principal), limit=limit)
    return render(request, "audit/trail.html", {"entries": rows, "everything": _scope(principal) is None})


@api.get("", response_model=list[AuditEntryOut])
def audit_entries(session: SessionDep, principal: Reader, limit: Limit = 200) -> list[AuditEntryOut]:
    """Newest entries first, of the acting organisation (or all, for the platform admin)."""
    rows = service.entries(session, organisation_id=_scope(principal), limit=limit)
    return [AuditEntryOut.model_validate(service.as_json(row)) for row in rows]
