"""Benchmark pages and API (docs/benchmark.md): "where you stand" for an exchange, the industry
view and aggregate exports for the supervisor and SRO/ISAC analysts.

The industry view needs ``benchmark:industry`` (supervisor inspectors and SRO/ISAC analysts, not
exchanges); a position needs ``benchmark:read`` and an exchange (others have none: 404).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark import explain, industry_exports, peer_groups, service
from cyberdelta.benchmark.models import BenchmarkFigure
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import CycleId, CycleQuery
from cyberdelta.platform.web.schemas import error_responses
from cyberdelta.platform.web.templating import render
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

pages = APIRouter(prefix="/benchmark", include_in_schema=False)
api = APIRouter(prefix="/api/v1/benchmark", tags=["benchmark"], responses=error_responses(401, 403, 404))
Reader = Annotated[Principal, Depends(require(Permission.BENCHMARK_READ))]
Industry = Annotated[Principal, Depends(require(Permission.BENCHMARK_INDUSTRY))]


def _exchange(principal: Principal) -> int:
    """The acting exchange; any other organisation has no position, so there is nothing to show (404)."""
    if principal.organisation_kind != OrganisationKind.EXCHANGE or principal.organisation_id is None:
        raise HTTPException(status_code=404, detail=_("Only an exchange has a position of its own."))
    return principal.organisation_id


def _cycle(session: Session, cycle_id: int | None) -> Cycle:
    cycles = service.cycles(session)
    if not cycles:
        raise HTTPException(status_code=404, detail=_("There is no assessment cycle yet."))
    if cycle_id is None:
        return cycles[-1]
    found = next((cycle for cycle in cycles if cycle.id == cycle_id), None)
    if found is None:
        raise HTTPException(status_code=404, detail=_("cycle: unknown cycle %(id)s", id=cycle_id))
    return found


def _group(group: str | None) -> str:
    chosen = group or peer_groups.ALL
    if chosen not in peer_groups.all_groups():
        raise HTTPException(status_code=422, detail=_("group: unknown peer group %(group)s", group=chosen))
    return chosen


@pages.get("", response_class=HTMLResponse)
def where_you_stand_page(
    request: Request,
    session: SessionDep,
    principal: Reader,
    cycle: CycleQuery,
    group: str | None = None,
) -> HTMLResponse:
    organisation_id = _exchange(principal)
    chosen = _group(group)
    result = service.where_you_stand(session, _cycle(session, cycle), organisation_id, chosen)
    return render(
        request,
        "benchmark/where.html",
        {
            "result": result,
            "cycles": service.cycles(session),
            "groups": [(key, peer_groups.label(key)) for key in peer_groups.all_groups()],
            "group_label": peer_groups.label(chosen),
        },
    )


@pages.get("/industry", response_class=HTMLResponse)
def industry_page(
    request: Request, session: SessionDep, principal: Industry, cycle: CycleQuery
) -> HTMLResponse:
    view = service.industry_view(session, _cycle(session, cycle))
    return render(
        request,
        "benchmark/industry.html",
        {
            "view": view,
            "cycles": service.cycles(session),
            "labels": {key: peer_groups.label(key) for key in view.groups},
            "quantile_note": explain.quantile_note(),
            "coding_note": explain.coding_note(),
        },
    )


@pages.get("/industry/{cycle_id}.csv")
def industry_csv(request: Request, session: SessionDep, principal: Industry, cycle_id: CycleId) -> Response:
    cycle = _cycle(session, cycle_id)
    return Response(
        industry_exports.csv_bytes(session, actor_of(request, principal), cycle),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="benchmark-{cycle.id}.csv"'},
    )


@pages.get("/industry/{cycle_id}.xlsx")
def industry_xlsx(request: Request, session: SessionDep, principal: Industry, cycle_id: CycleId) -> Response:
    cycle = _cycle(session, cycle_id)
    return Response(
        industry_exports.workbook(session, actor_of(request, principal), cycle),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="benchmark-{cycle.id}.xlsx"'},
    )


def _figure_json(row: BenchmarkFigure | None) -> dict[str, Any] | None:
    if row is None:
        return None
    if not row.published:
        return {"published": False, "reason": row.reason}
    return {
        "published": True,
        "count": row.count,
        "p10": row.p10,
        "p25": row.p25,
        "median": row.median,
        "p75": row.p75,
        "p90": row.p90,
        "gap_share": row.gap_share,
        "coded": row.coded or {},
        "carried_from": row.carried_from,
    }


@api.get("/position")
def position_api(
    session: SessionDep, principal: Reader, cycle: CycleQuery, group: str | None = None
) -> dict[str, Any]:
    """The caller's own position: its scores, percentile-rank bands and the peer group's aggregates
    (docs/benchmark.md, "Disclosure control")."""
    organisation_id = _exchange(principal)
    result = service.where_you_stand(session, _cycle(session, cycle), organisation_id, _group(group))
    return {
        "cycle": result.cycle.name,
        "peer_group": result.group,
        "included": result.included,
        "standings": [
            {
                "key": item.key,
                "score": item.score,
                "percentile_band": list(item.band) if item.band else None,
                "previous_score": item.previous_score,
                "change": item.own_change,
                "peer_median_change": item.median_change,
                "comparable_controls": item.comparison.comparable if item.comparison else None,
                "peers": _figure_json(item.figure),
            }
            for item in result.standings
        ],
        "bottom_quartile": [
            {
                "control_id": item.control_id,
                "maturity": item.maturity,
                "p25": item.p25,
                "median": item.median,
                "coded": item.coded,
            }
            for item in result.bottom_quartile
        ],
    }


@api.get("/figures")
def figures_api(
    request: Request, session: SessionDep, principal: Industry, cycle: CycleQuery
) -> dict[str, Any]:
    """Every aggregate of a cycle (supervisor and analysts); suppressed cells carry only their reason.
    The read is audited like the CSV and workbook exports."""
    chosen = _cycle(session, cycle)
    document = {
        "cycle": chosen.name,
        "figures": [
            {"peer_group": row.peer_group, "scope": row.scope, "key": row.key} | (_figure_json(row) or {})
            for row in service.figures(session, chosen.id)
        ],
    }
    industry_exports.figures_read(session, actor_of(request, principal), chosen, document)
    return document
