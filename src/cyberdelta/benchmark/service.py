"""Reading stored benchmarks (DESIGN §6): the industry view (aggregates only) and "where you stand"
(one firm's own values beside the published peer figures). The only place with benchmark queries.

Nothing here returns another firm's identity or value: figures are aggregates that passed the
k-anonymity rules, and positions are read for the asking organisation only.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.assessment.catalog_view import CatalogView, catalog_view
from cyberdelta.assessment.models import Assessment, Cycle, Response
from cyberdelta.benchmark import peer_groups
from cyberdelta.benchmark.compute import COUNTED_STATES, OVERALL
from cyberdelta.benchmark.models import BenchmarkFigure, BenchmarkPosition
from cyberdelta.i18n import gettext as _


def cycles(session: Session) -> list[Cycle]:
    return list(session.scalars(select(Cycle).order_by(Cycle.id)))


def previous_cycle(session: Session, cycle: Cycle) -> Cycle | None:
    return session.scalar(select(Cycle).where(Cycle.id < cycle.id).order_by(Cycle.id.desc()).limit(1))


def figures(
    session: Session, cycle_id: int, scope: str | None = None, groups: tuple[str, ...] | None = None
) -> list[BenchmarkFigure]:
    query = select(BenchmarkFigure).where(BenchmarkFigure.cycle_id == cycle_id)
    if scope is not None:
        query = query.where(BenchmarkFigure.scope == scope)
    if groups is not None:
        query = query.where(BenchmarkFigure.peer_group.in_(groups))
    return list(
        session.scalars(query.order_by(BenchmarkFigure.scope, BenchmarkFigure.key, BenchmarkFigure.id))
    )


def _index(rows: list[BenchmarkFigure]) -> dict[tuple[str, str, str], BenchmarkFigure]:
    return {(row.scope, row.key, row.peer_group): row for row in rows}


@dataclass(frozen=True)
class Standing:
    key: str
    title: str
    score: float | None
    rank: float | None
    figure: BenchmarkFigure | None  # None: the group has no figure at all (no peer answered)
    previous_score: float | None
    median_change: float | None


@dataclass(frozen=True)
class WeakControl:
    control_id: str
    label: str
    title: str
    maturity: float
    p25: float
    median: float


@dataclass(frozen=True)
class WhereYouStand:
    cycle: Cycle
    group: str
    included: bool
    standings: list[Standing]
    bottom_quartile: list[WeakControl]


def where_you_stand(session: Session, cycle: Cycle, organisation_id: int, group: str) -> WhereYouStand:
    """The organisation's overall and domain scores against ``group``'s published distribution,
    its percentile rank, its bottom-quartile controls (own maturity below the published p25) and
    its change since the previous cycle beside the change of the group's median."""
    view = catalog_view(session, cycle.catalog_version_id)
    own = _own_positions(session, cycle.id, organisation_id)
    wanted = (group, peer_groups.ALL)
    index = _index(figures(session, cycle.id, groups=wanted))
    previous = previous_cycle(session, cycle)
    old_own = _own_positions(session, previous.id, organisation_id) if previous else {}
    old_index = _index(figures(session, previous.id, groups=(group,))) if previous else {}
    standings = []
    keys = [(OVERALL, OVERALL)] + [("domain", domain.code) for domain in view.domains]
    for scope, key in keys:
        title = _domain_title(view, key)
        figure = index.get((scope, key, group))
        position = own.get((group, key))
        old_figure = old_index.get((scope, key, group))
        change = None
        if figure and figure.published and old_figure and old_figure.published:
            change = _difference(figure.median, old_figure.median)
        own_score = own.get((peer_groups.ALL, key))
        old_score = old_own.get((peer_groups.ALL, key))
        standings.append(
            Standing(
                key=key,
                title=title,
                score=own_score.score if own_score else None,
                rank=position.percentile_rank if position else None,
                figure=figure,
                previous_score=old_score.score if old_score else None,
                median_change=change,
            )
        )
    return WhereYouStand(
        cycle=cycle,
        group=group,
        included=bool(own),
        standings=standings,
        bottom_quartile=_bottom_quartile(session, cycle, organisation_id, view, index) if own else [],
    )


def _difference(new: float | None, old: float | None) -> float | None:
    return None if new is None or old is None else new - old


def _domain_title(view: CatalogView, key: str) -> str:
    if key == OVERALL:
        return _("Overall")
    domain = view.domain(key)
    return domain.display if domain else key


@dataclass(frozen=True)
class Position:
    score: float
    percentile_rank: float


def _own_positions(session: Session, cycle_id: int, organisation_id: int) -> dict[tuple[str, str], Position]:
    """The organisation's own (group, key) → score and rank; nothing of any other firm is read."""
    ranks = session.scalar(
        select(BenchmarkPosition.ranks).where(
            BenchmarkPosition.cycle_id == cycle_id, BenchmarkPosition.organisation_id == organisation_id
        )
    )
    return {
        (group, key): Position(float(pair[0]), float(pair[1]))
        for group, by_key in (ranks or {}).items()
        for key, pair in by_key.items()
    }


def own_maturities(session: Session, cycle: Cycle, organisation_id: int) -> list[tuple[str, int]]:
    """The firm's own answered maturities in the cycle's counted assessment, by control id."""
    rows = session.execute(
        select(Response.control_id, Response.maturity)
        .join(Assessment, Assessment.id == Response.assessment_id)
        .where(
            Assessment.organisation_id == organisation_id,
            Assessment.cycle_id == cycle.id,
            Assessment.state.in_(COUNTED_STATES),
            Response.maturity.is_not(None),
        )
    ).all()
    return [(control_id, maturity) for control_id, maturity in rows if maturity is not None]


def _bottom_quartile(
    session: Session,
    cycle: Cycle,
    organisation_id: int,
    view: CatalogView,
    index: dict[tuple[str, str, str], BenchmarkFigure],
) -> list[WeakControl]:

    rows = own_maturities(session, cycle, organisation_id)
    weak = []
    for control_id, maturity in rows:
        figure = index.get(("control", control_id, peer_groups.ALL))
        if figure is None or not figure.published or figure.p25 is None or figure.median is None:
            continue
        if maturity is not None and maturity < figure.p25:
            info = view.control(control_id)
            weak.append(
                WeakControl(
                    control_id=control_id,
                    label=info.label if info else control_id,
                    title=info.display_title if info else control_id,
                    maturity=float(maturity),
                    p25=figure.p25,
                    median=figure.median,
                )
            )
    return sorted(weak, key=lambda item: (item.maturity - item.median, item.control_id))


@dataclass(frozen=True)
class IndustryView:
    cycle: Cycle
    groups: list[str]
    domains: list[tuple[str, str]]  # (key, title), overall first
    cells: dict[tuple[str, str], BenchmarkFigure]  # (domain key, group) → figure
    weakest: list[tuple[str, str, BenchmarkFigure]]  # (label, title, figure) lowest medians
    frequent_gaps: list[tuple[str, str, BenchmarkFigure]]
    trend: dict[str, float | None]  # domain key → change of the all-exchanges median


def industry_view(session: Session, cycle: Cycle, limit: int = 10) -> IndustryView:
    """Aggregates only, for supervisor and SRO/ISAC analysts; suppressed cells stay suppressed."""
    view = catalog_view(session, cycle.catalog_version_id)
    rows = figures(session, cycle.id)
    cells = {(row.key, row.peer_group): row for row in rows if row.scope != "control"}
    controls = [row for row in rows if row.scope == "control" and row.peer_group == peer_groups.ALL]
    published = [row for row in controls if row.published]

    def named(row: BenchmarkFigure) -> tuple[str, str, BenchmarkFigure]:
        info = view.control(row.key)
        return (info.label if info else row.key, info.display_title if info else row.key, row)

    weakest = sorted(published, key=lambda row: (row.median or 0.0, row.key))[:limit]
    gaps = sorted(
        (row for row in published if row.gap_share), key=lambda row: (-(row.gap_share or 0.0), row.key)
    )[:limit]
    previous = previous_cycle(session, cycle)
    old = {(row.key, row.peer_group): row for row in figures(session, previous.id)} if previous else {}
    domains = [(OVERALL, _domain_title(view, OVERALL))] + [(d.code, d.display) for d in view.domains]
    trend: dict[str, float | None] = {}
    for key, _title in domains:
        new_cell, old_cell = cells.get((key, peer_groups.ALL)), old.get((key, peer_groups.ALL))
        both = new_cell and old_cell and new_cell.published and old_cell.published
        trend[key] = _difference(new_cell.median, old_cell.median) if both and new_cell and old_cell else None
    return IndustryView(
        cycle=cycle,
        groups=peer_groups.all_groups(),
        domains=domains,
        cells=cells,
        weakest=[named(row) for row in weakest],
        frequent_gaps=[named(row) for row in gaps],
        trend=trend,
    )


EXPORT_COLUMNS = ("cycle", "peer_group", "scope", "key", "status", "count", "p10", "p25", "median", "p75",
                  "p90", "gap_share_percent")  # fmt: skip


def export_rows(session: Session, cycle: Cycle) -> list[list[object]]:
    """The aggregate table as rows; a suppressed cell has its status and no number."""
    result: list[list[object]] = []
    for row in figures(session, cycle.id):
        numbers: list[object] = (
            [row.count, row.p10, row.p25, row.median, row.p75, row.p90, row.gap_share]
            if row.published
            else [""] * 7
        )
        status = "published" if row.published else f"suppressed ({row.reason})"
        result.append([cycle.name, row.peer_group, row.scope, row.key, status, *numbers])
    return result


def export_csv(session: Session, cycle: Cycle) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(export_rows(session, cycle))
    return buffer.getvalue()


def group_sizes(rows: list[BenchmarkFigure]) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.scope == OVERALL and row.published and row.count:
            sizes[row.peer_group] = row.count
    return dict(sizes)
