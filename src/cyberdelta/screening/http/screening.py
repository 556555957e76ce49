"""The screening form and ``POST /api/v1/screening/check`` (docs/screening.md, "Screening").

Both need ``screening:check``; every decision is audited with the caller's user, organisation and
request id, and the list versions used.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.schemas import error_responses
from cyberdelta.platform.web.templating import render
from cyberdelta.screening.addresses import CHAINS
from cyberdelta.screening.freshness import today_in_japan
from cyberdelta.screening.index import ListUsed, index_for
from cyberdelta.screening.service import Screening, recent_hits, result_json, screen
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

pages = APIRouter(prefix="/screening", include_in_schema=False)
api = APIRouter(prefix="/api/v1/screening", tags=["screening"], responses=error_responses(401, 403))
Checker = Annotated[Principal, Depends(require(Permission.SCREENING_CHECK))]
MAX_ADDRESSES = 1000


# An address as typed: at most 256 characters (OFAC FAQ 563), no control characters.
AddressText = Annotated[str, StringConstraints(max_length=256, pattern=r"^[^\x00-\x1f\x7f]*$")]
ChainName = enum.StrEnum("ChainName", {name.replace("-", "_"): name for name in CHAINS})  # type: ignore[misc]


class CheckIn(BaseModel):
    """Addresses to screen, on one chain or each detected from its shape."""

    model_config = ConfigDict(extra="forbid")

    addresses: list[AddressText] = Field(min_length=1, max_length=MAX_ADDRESSES)
    chain: ChainName | None = None


class HitOut(BaseModel):
    list: str
    list_version: int
    entry: str | None
    name: str | None
    programme: str | None
    listed_as: str


class ResultOut(BaseModel):
    input: str
    chain: str | None
    normalised: str | None
    valid: bool
    error: str | None
    hits: list[HitOut]


class ListOut(BaseModel):
    version: int
    source: str
    published_on: date | None
    reference: date
    entries: int
    stale: bool


class CheckOut(BaseModel):
    results: list[ResultOut]
    lists: list[ListOut]
    hit: bool


def _list_out(used: ListUsed, today: date) -> ListOut:
    return ListOut(
        version=used.version_id,
        source=used.source,
        published_on=used.published_on,
        reference=used.reference,
        entries=used.entry_count,
        stale=used.stale(today),
    )


@api.post("/check", response_model=CheckOut)
def check_addresses(body: CheckIn, request: Request, session: SessionDep, principal: Checker) -> CheckOut:
    """Screen up to 1,000 addresses against the current lists (audited, one entry per address)."""
    chain = body.chain.value if body.chain is not None else None
    screening = screen(session, body.addresses, actor=actor_of(request, principal), chain=chain)
    today = today_in_japan()
    return CheckOut(
        results=[ResultOut.model_validate(result_json(r)) for r in screening.results],
        lists=[_list_out(used, today) for used in screening.lists],
        hit=screening.hit,
    )


@api.get("/lists", response_model=list[ListOut])
def current_lists(session: SessionDep, principal: Checker) -> list[ListOut]:
    """The list versions screening uses now, with their freshness (docs/screening.md, "Freshness")."""
    today = today_in_japan()
    return [_list_out(used, today) for used in index_for(session).lists]


def _page(request: Request, session: SessionDep, principal: Principal, **context: Any) -> HTMLResponse:
    today = today_in_japan()
    lists = [_list_out(used, today) for used in index_for(session).lists]
    history = recent_hits(session, principal.organisation_id)[:50]
    return render(
        request, "screening/screening.html", {"chains": CHAINS, "lists": lists, "history": history, **context}
    )


@pages.get("", response_class=HTMLResponse)
def screening_page(request: Request, session: SessionDep, principal: Checker) -> HTMLResponse:
    return _page(request, session, principal, screening=None, addresses="", chain="", error=None)


@pages.post("", response_class=HTMLResponse)
def screening_submit(
    request: Request,
    session: SessionDep,
    principal: Checker,
    addresses: Annotated[str, Form()] = "",
    chain: Annotated[str, Form()] = "",
) -> HTMLResponse:
    texts = [line.strip() for line in addresses.splitlines() if line.strip()][:MAX_ADDRESSES]
    screening: Screening | None = None
    error: DomainError | None = None
    if texts:
        try:
            screening = screen(session, texts, actor=actor_of(request, principal), chain=chain or None)
        except DomainError as problem:
            error = problem
    status = 422 if error is not None else 200
    response = _page(
        request, session, principal, screening=screening, addresses=addresses, chain=chain, error=error
    )
    response.status_code = status
    return response
