"""The screening form and ``POST /api/v1/screening/check`` (docs/screening.md, "Screening"), and
the firm's choice of lists (``/screening/settings``, docs/screening.md, "Which lists apply").

Screening needs ``screening:check``; every decision is audited with the caller's user, organisation
and request id, the list versions used and the sources applied. Choosing the lists needs
``screening:manage`` (org admins and security officers) and is audited. The live sources (the
hub's indicators) come from the app's contributions (docs/architecture.md, "Extension points").
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.schemas import error_responses
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.screening.addresses import CHAINS
from cyberdelta.screening.freshness import today_in_japan
from cyberdelta.screening.index import ListUsed, index_for
from cyberdelta.screening.list_settings import (
    ListSettingsError,
    applied_sources,
    choose_sources,
    known_sources,
    source_label,
)
from cyberdelta.screening.service import Screening, recent_hits, result_json, screen
from cyberdelta.screening.sources.live import HIT_REPORT_ROUTES, LIST_SOURCES, LiveSource
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

pages = APIRouter(prefix="/screening", include_in_schema=False)
api = APIRouter(prefix="/api/v1/screening", tags=["screening"], responses=error_responses(401, 403))
Checker = Annotated[Principal, Depends(require(Permission.SCREENING_CHECK))]
Manager = Annotated[Principal, Depends(require(Permission.SCREENING_MANAGE))]
MAX_ADDRESSES = 1000


def live_sources(request: Request) -> list[LiveSource]:
    """The live list sources higher capabilities contributed (the hub's indicators)."""
    found: list[LiveSource] = request.app.state.contributions.get(LIST_SOURCES, [])
    return found


def _known(request: Request) -> tuple[str, ...]:
    return known_sources(source.source for source in live_sources(request))


def _report_route(request: Request) -> str | None:
    routes: list[str] = request.app.state.contributions.get(HIT_REPORT_ROUTES, [])
    return routes[0] if routes else None


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
    list_version: int = Field(description="The imported list version; 0 for a live source (the hub)")
    entry: str | None = Field(description="The list's entry; for the hub, the indicator's STIX id")
    name: str | None
    programme: str | None
    listed_as: str
    tlp: str | None = Field(default=None, description="The hub indicator's TLP 2.0 level")
    entry_version: str | None = Field(default=None, description="The hub indicator's version (modified)")
    read_at: datetime | None = Field(default=None, description="When the live source was read")


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
    applied: list[str] = Field(description="The list sources your organisation applies")
    hit: bool


class ListSettingsOut(BaseModel):
    applied: list[str]
    excluded: list[str]


class ListSettingsIn(BaseModel):
    """The list sources that apply to the organisation's screening (the others are excluded)."""

    model_config = ConfigDict(extra="forbid")

    applied: list[Literal["ofac-sdn-xml", "ofac-sdn-csv", "un-xml", "mof", "lines", "hub-indicators"]] = (
        Field(min_length=1, max_length=20, description="Source names, as GET /settings lists them")
    )


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
    screening = screen(
        session, body.addresses, actor=actor_of(request, principal), chain=chain, live=live_sources(request)
    )
    today = today_in_japan()
    return CheckOut(
        results=[ResultOut.model_validate(result_json(r)) for r in screening.results],
        lists=[_list_out(used, today) for used in screening.lists],
        applied=list(screening.applied),
        hit=screening.hit,
    )


@api.get("/lists", response_model=list[ListOut])
def current_lists(session: SessionDep, principal: Checker) -> list[ListOut]:
    """The list versions screening uses now, with their freshness (docs/screening.md, "Freshness")."""
    today = today_in_japan()
    return [_list_out(used, today) for used in index_for(session).lists]


def _settings_out(request: Request, session: SessionDep, principal: Principal) -> ListSettingsOut:
    known = _known(request)
    applied = applied_sources(session, principal.organisation_id, known)
    return ListSettingsOut(applied=list(applied), excluded=[name for name in known if name not in applied])


@api.get("/settings", response_model=ListSettingsOut)
def list_settings(request: Request, session: SessionDep, principal: Checker) -> ListSettingsOut:
    """Which list sources apply to your organisation's screening (docs/screening.md, "Which lists apply")."""
    return _settings_out(request, session, principal)


@api.put("/settings", response_model=ListSettingsOut)
def change_list_settings(
    body: ListSettingsIn, request: Request, session: SessionDep, principal: Manager
) -> ListSettingsOut:
    """Choose the list sources that apply (audited); an unknown or empty choice answers 422."""
    choose_sources(session, actor_of(request, principal), body.applied, known=_known(request))
    return _settings_out(request, session, principal)


def _page(request: Request, session: SessionDep, principal: Principal, **context: Any) -> HTMLResponse:
    today = today_in_japan()
    known = _known(request)
    applied = applied_sources(session, principal.organisation_id, known)
    lists = [_list_out(used, today) for used in index_for(session).lists if used.source in applied]
    history = recent_hits(session, principal.organisation_id)[:50]
    return render(
        request,
        "screening/screening.html",
        {
            "chains": CHAINS,
            "lists": lists,
            "history": history,
            "applied": [(name, source_label(name)) for name in applied],
            "may_manage": principal.has(Permission.SCREENING_MANAGE),
            "report_route": _report_route(request) if principal.has(Permission.INTEL_WRITE) else None,
            **context,
        },
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
            screening = screen(
                session,
                texts,
                actor=actor_of(request, principal),
                chain=chain or None,
                live=live_sources(request),
            )
        except DomainError as problem:
            error = problem
    status = 422 if error is not None else 200
    response = _page(
        request, session, principal, screening=screening, addresses=addresses, chain=chain, error=error
    )
    response.status_code = status
    return response


def _settings_page(
    request: Request, session: SessionDep, principal: Principal, error: DomainError | None = None
) -> HTMLResponse:
    known = _known(request)
    applied = applied_sources(session, principal.organisation_id, known)
    return render(
        request,
        "screening/settings.html",
        {"sources": [(name, source_label(name), name in applied) for name in known], "error": error},
        status_code=422 if error is not None else 200,
    )


@pages.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, session: SessionDep, principal: Manager) -> HTMLResponse:
    return _settings_page(request, session, principal)


@pages.post("/settings", response_model=None)
def settings_submit(
    request: Request,
    session: SessionDep,
    principal: Manager,
    sources: Annotated[list[Annotated[str, StringConstraints(max_length=40)]] | None, Form()] = None,
) -> Response:
    try:
        choose_sources(session, actor_of(request, principal), sources or [], known=_known(request))
    except ListSettingsError as error:
        return _settings_page(request, session, principal, error)
    return redirect_to(request, "screening.screening_page", query={"saved": 1})
