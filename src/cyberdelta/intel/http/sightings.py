"""``POST /api/v1/intel/sightings``: report an observed wallet address or domain to the hub
(docs/intel.md, "Sightings"). The hub's report form, the screening page's hits and the signing
guard's blocks use the same service (:mod:`cyberdelta.intel.sightings`); it audits.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from cyberdelta.intel import service, sightings
from cyberdelta.intel.forms import MAX_COUNT, MAX_NOTE, SEEN_IN, UnknownCollectionError
from cyberdelta.intel.http.authentication import caller_for
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.schemas import error_responses
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

api = APIRouter(prefix="/api/v1/intel", tags=["intel"], responses=error_responses(401, 403, 404))
Writer = Annotated[Principal, Depends(require(Permission.INTEL_WRITE))]


class SightingIn(BaseModel):
    """What was observed, where to publish it and under which TLP 2.0 level."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["address", "domain"]
    value: str = Field(min_length=1, max_length=300)
    chain: str = Field(default="", max_length=40, description="The chain of an address (hub chain names)")
    tlp: Tlp = Tlp.AMBER
    collection: str = Field(min_length=1, max_length=100, description="Collection id or alias")
    seen_in: Literal[tuple(SEEN_IN)] | None = None  # type: ignore[valid-type]
    first_seen: str = Field(default="", max_length=10, description="YYYY-MM-DD (empty: today)")
    count: int = Field(default=1, ge=1, le=MAX_COUNT)
    note: str = Field(default="", max_length=MAX_NOTE)
    anonymous: bool = False


class SightingOut(BaseModel):
    indicator_id: str
    sighting_id: str | None
    known: bool = Field(description="The hub already held an indicator you may read for it")
    tlp: str
    status_id: str
    success_count: int
    failure_count: int


@api.post("/sightings", response_model=SightingOut)
def report_sighting(
    body: SightingIn, request: Request, session: SessionDep, principal: Writer
) -> SightingOut:
    """A sighting of the indicator the hub already holds for the address or domain, else the
    observable and a new indicator (with a sighting when ``seen_in`` is given); audited."""
    caller = caller_for(principal)
    target = service.find_collection(session, body.collection)
    if target is None or not service.can_write(session, target, caller):
        raise UnknownCollectionError("collection", _("choose a collection you may publish to"))
    observation = sightings.Observation(
        kind=body.kind,
        value=body.value,
        chain=body.chain,
        tlp=body.tlp,
        note=body.note,
        seen_in=body.seen_in or "",
        first_seen=body.first_seen,
        count=str(body.count),
    )
    outcome = sightings.report(
        session,
        caller,
        target,
        observation,
        actor=actor_of(request, principal),
        anonymous=body.anonymous,
        origin="hub-api",
    )
    return SightingOut(
        indicator_id=outcome.indicator_id,
        sighting_id=outcome.sighting_id,
        known=outcome.known,
        tlp=outcome.tlp.value,
        status_id=outcome.status.id,
        success_count=outcome.status.success_count,
        failure_count=outcome.status.failure_count,
    )
