"""``POST /signing/checks/{check_id}/report``: the one-click report of a blocked check's address to
the hub (docs/signing.md, "Reporting a block to the hub"). Needs ``intel:write``; the services audit.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from cyberdelta.intel import service
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.forms import FormError
from cyberdelta.intel.tlp import ORDER, Reader, Tlp
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import public_id
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.signing.check_records import CheckOutcome
from cyberdelta.signing.errors import SigningInputError
from cyberdelta.signing.hub_report import report_block, reportable
from cyberdelta.signing.text import Text
from cyberdelta.signing.text import bilingual as _
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

pages = APIRouter(prefix="/signing", include_in_schema=False)
Reporter = Annotated[Principal, Depends(require(Permission.INTEL_WRITE))]
CheckId = Annotated[int, Depends(public_id("check_id"))]


def _caller(principal: Principal) -> Caller:
    return Caller(
        reader=Reader(principal.organisation_id, principal.organisation_kind),
        read=principal.has(Permission.INTEL_READ),
        write=principal.has(Permission.INTEL_WRITE),
        user_id=principal.user_id,
    )


def report_context(session: SessionDep, principal: Principal, outcome: CheckOutcome) -> dict[str, Any] | None:
    """What the result page needs to offer the report: the check, its reportable blocks, the
    collections the member may publish to and the TLP levels (None: nothing to offer)."""
    items = reportable(outcome.result)
    if not items or not principal.has(Permission.INTEL_WRITE):
        return None
    caller = _caller(principal)
    writable = [item for item, _read, can_write in service.visible_collections(session, caller) if can_write]
    if not writable:
        return None
    return {"check_id": outcome.record.id, "items": items, "collections": writable, "levels": ORDER}


@pages.post("/checks/{check_id}/report")
def report_submit(
    request: Request,
    session: SessionDep,
    principal: Reporter,
    check_id: CheckId,
    # Optional in the form so that another organisation's check answers 404 before any field is
    # checked (tests/auth/test_tenant_isolation.py); the service refuses them empty.
    code: Annotated[str, Form(max_length=60)] = "",
    address: Annotated[str, Form(max_length=300)] = "",
    collection: Annotated[str, Form(max_length=100)] = "",
    tlp: Annotated[str, Form(max_length=20)] = Tlp.AMBER.value,
) -> Response:
    """Report the address as a sighting on the hub, then show the hub's feed."""
    if tlp not in {level.value for level in Tlp}:
        raise SigningInputError("tlp", _("choose a TLP level"))
    caller = _caller(principal)
    try:
        outcome = report_block(
            session,
            actor_of(request, principal),
            caller,
            check_id=check_id,
            code=code,
            address=address,
            tlp=Tlp(tlp),
            collection=collection,
        )
    except FormError as error:
        raise SigningInputError(error.field or "address", Text(error.reason)) from None
    query = {"published": outcome.status.success_count, "q": outcome.indicator_id}
    if outcome.known:
        query["sighted"] = 1
    return redirect_to(request, "intel.feed_page", query=query)
