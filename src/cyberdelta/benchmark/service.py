"""Reading stored benchmarks (docs/benchmark.md, "What is computed"): the industry view (aggregates only)
and "where you stand"
(one firm's own values beside the published peer figures). The only place with benchmark queries.

Nothing here returns another firm's identity or value: figures are aggregates that passed the
disclosure-control rules (docs/benchmark.md, "Disclosure control"), and positions are read for
the asking organisation only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.assessment.catalog_view import CatalogView, catalog_view
from cyberdelta.assessment.models import Assessment, Cycle, Response
from cyberdelta.benchmark import explain, peer_groups, publication
from cyberdelta.benchmark.compute import (
    COUNTED_STATES,
    OVERALL,
    YOY_NEW,
    YOY_OLD,
    Submission,
    previous_cycle,
    score,
)
from cyberdelta.benchmark.disclosure import AT_LEAST
from cyberdelta.benchmark.models import BenchmarkFigure, BenchmarkPosition, BenchmarkPublication
from cyberdelta.benchmark.versions import DomainMapping, VersionMapping, version_mapping
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.tabular import csv_text


def cycles(session: Session) -> list[Cycle]:
    return list(session.scalars(select(Cycle).order_by(Cycle.id)))


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
    band: tuple[int, int] | None  # the percentile-rank band (benchmark.disclosure.rank_band)
    figure: BenchmarkFigure | None  # None: the group has no figure at all (no peer answered)
    previous_score: float | None  # the previous cycle's score over the comparable controls
    own_change: float | None  # over the controls comparable between the two cycles' catalogs
    median_change: float | None
    comparison: DomainMapping | None  # None: no previous cycle


@dataclass(frozen=True)
class WeakControl:
    control_id: str
    label: str
    title: str
    maturity: float
    p25: float
    median: float
    coded: dict[str, str] = field(default_factory=dict)  # e.g. {"median": "at-least"}


@dataclass(frozen=True)
class WhereYouStand:
    cycle: Cycle
    group: str
    included: bool
    standings: list[Standing]
    bottom_quartile: list[WeakControl]
    mapping: VersionMapping | None  # controls mapped to the previous cycle's catalog version
    previous: Cycle | None = None  # the cycle the changes compare with


def _comparison(session: Session, cycle: Cycle) -> tuple[Cycle | None, VersionMapping | None]:
    previous = previous_cycle(session, cycle)
    if previous is None:
        return None, None
    return previous, version_mapping(session, previous.catalog_version_id, cycle.catalog_version_id)


Indexed = dict[tuple[str, str], BenchmarkFigure]


def _yoy_indexes(
    session: Session,
    cycle: Cycle,
    previous: Cycle | None,
    mapping: VersionMapping | None,
    groups: tuple[str, ...],
) -> tuple[Indexed, Indexed]:
    """(key, group) → the figure of this and of the previous cycle that compare with each other:
    the ordinary figures when the catalog versions compare fully, otherwise the figures over the
    comparable controls stored with this cycle (``yoy-new`` / ``yoy-old``)."""
    if previous is None or mapping is None:
        return {}, {}

    def by_key(cycle_id: int, scopes: tuple[str, ...]) -> Indexed:
        rows = figures(session, cycle_id, groups=groups)
        return {(row.key, row.peer_group): row for row in rows if row.scope in scopes}

    if mapping.identical:
        return by_key(cycle.id, (OVERALL, "domain")), by_key(previous.id, (OVERALL, "domain"))
    return by_key(cycle.id, (YOY_NEW,)), by_key(cycle.id, (YOY_OLD,))


def _median_change(new: BenchmarkFigure | None, old: BenchmarkFigure | None) -> float | None:
    if new is None or old is None or not new.published or not old.published:
        return None
    if "median" in (new.coded or {}) or "median" in (old.coded or {}):
        return None  # "4.0 or more" minus a number is no number
    change = _difference(new.median, old.median)
    return None if change is None else round(change, 1)


def _own_scores(
    session: Session, cycle: Cycle, organisation_id: int, view: CatalogView, controls: frozenset[str] | None
) -> dict[str, float]:
    """The organisation's own overall/domain scores in its counted submission, over ``controls``."""
    answers = dict(own_maturities(session, cycle, organisation_id))
    if not answers:
        return {}
    firm = score({organisation_id: Submission([], answers)}, view, controls)[organisation_id]
    return {key: value for (scope, key), value in firm.values.items() if scope in (OVERALL, "domain")}


def where_you_stand(session: Session, cycle: Cycle, organisation_id: int, group: str) -> WhereYouStand:
    """The organisation's overall and domain scores against ``group``'s published distribution,
    its percentile rank, its bottom-quartile controls (own maturity below the published p25) and
    its change since the previous cycle beside the change of the group's median."""
    view = catalog_view(session, cycle.catalog_version_id)
    own = _own_positions(session, cycle.id, organisation_id)
    index = _index(figures(session, cycle.id, groups=(group, peer_groups.ALL)))
    previous, mapping = _comparison(session, cycle)
    new_yoy, old_yoy = _yoy_indexes(session, cycle, previous, mapping, (group,))
    comparable = None if mapping is None or mapping.identical else mapping.comparable
    own_new = _own_scores(session, cycle, organisation_id, view, comparable) if previous else {}
    own_old = _own_scores(session, previous, organisation_id, view, comparable) if previous else {}
    standings = []
    keys = [(OVERALL, OVERALL)] + [("domain", domain.code) for domain in view.domains]
    for scope, key in keys:
        position = own.get((group, key))
        own_score = own.get((peer_groups.ALL, key))
        standings.append(
            Standing(
                key=key,
                title=_domain_title(view, key),
                score=own_score.score if own_score else None,
                band=position.band if position else None,
                figure=index.get((scope, key, group)),
                previous_score=own_old.get(key),
                own_change=_difference(own_new.get(key), own_old.get(key)),
                median_change=_median_change(new_yoy.get((key, group)), old_yoy.get((key, group))),
                comparison=_domain_comparison(mapping, key),
            )
        )
    return WhereYouStand(
        cycle=cycle,
        group=group,
        included=bool(own),
        standings=standings,
        bottom_quartile=_bottom_quartile(session, cycle, organisation_id, view, index) if own else [],
        mapping=mapping,
        previous=previous,
    )


def _domain_comparison(mapping: VersionMapping | None, key: str) -> DomainMapping | None:
    """A domain's mapping; for the overall score, the whole catalog's."""
    if mapping is None:
        return None
    if key != OVERALL:
        return mapping.domains.get(key)
    parts = mapping.domains.values()
    return DomainMapping(
        code=OVERALL,
        comparable=sum(part.comparable for part in parts),
        total=sum(part.total for part in parts),
        changed=sum(part.changed for part in parts),
        added=sum(part.added for part in parts),
        withdrawn=sum(part.withdrawn for part in parts),
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
    band: tuple[int, int]


def _own_positions(session: Session, cycle_id: int, organisation_id: int) -> dict[tuple[str, str], Position]:
    """The organisation's own (group, key) → score and rank; nothing of any other firm is read."""
    ranks = session.scalar(
        select(BenchmarkPosition.ranks).where(
            BenchmarkPosition.cycle_id == cycle_id, BenchmarkPosition.organisation_id == organisation_id
        )
    )
    return {
        (group, key): Position(float(entry[0]), (int(entry[1]), int(entry[2])))
        for group, by_key in (ranks or {}).items()
        for key, entry in by_key.items()
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
        if "p25" in (figure.coded or {}):  # "1.0 or less": no firm is known to be below it
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
                    coded=dict(figure.coded or {}),
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
    trend: dict[str, float | None]  # domain key → change of the all-exchanges median (comparable)
    comparisons: dict[str, DomainMapping | None]  # domain key → its catalog-version mapping
    mapping: VersionMapping | None  # None: no previous cycle
    previous: Cycle | None = None  # the cycle the changes compare with
    publication: BenchmarkPublication | None = None  # the visible one
    refused: BenchmarkPublication | None = None  # a later attempt the audit refused
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (reason, explanation) shown
    refused_reasons: list[str] = field(default_factory=list)  # the refused attempt's findings, as text


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
    domains = [(OVERALL, _domain_title(view, OVERALL))] + [(d.code, d.display) for d in view.domains]
    previous, mapping = _comparison(session, cycle)
    new_yoy, old_yoy = _yoy_indexes(session, cycle, previous, mapping, (peer_groups.ALL,))
    trend = {
        key: _median_change(new_yoy.get((key, peer_groups.ALL)), old_yoy.get((key, peer_groups.ALL)))
        for key, _title in domains
    }
    refused = _refused(session, cycle.id)
    return IndustryView(
        cycle=cycle,
        groups=peer_groups.all_groups(),
        domains=domains,
        cells=cells,
        weakest=[named(row) for row in weakest],
        frequent_gaps=[named(row) for row in gaps],
        trend=trend,
        comparisons={key: _domain_comparison(mapping, key) for key, _title in domains},
        mapping=mapping,
        previous=previous,
        publication=publication.latest(session, cycle.id, made=True),
        refused=refused,
        refused_reasons=[explain.finding_text(item) for item in refused.findings] if refused else [],
        reasons=[
            (reason, explain.reason_text(reason))
            for reason in ("too-few", "differencing", "reconstruction")
            if any(row.reason == reason for row in rows)
        ],
    )


def _refused(session: Session, cycle_id: int) -> BenchmarkPublication | None:
    """The latest attempt, when the audit refused it (a later made publication supersedes it)."""
    last = publication.latest(session, cycle_id)
    return last if last is not None and not last.made else None


def _number(value: float | None, coding: str | None) -> object:
    """A published number for a spreadsheet: the number itself, or ">=4.0" / "<=1.0" when coded."""
    if value is None:
        return ""
    if coding is None:
        return value
    return (">=" if coding == AT_LEAST else "<=") + f"{value:g}"


EXPORT_COLUMNS = ("cycle", "peer_group", "scope", "key", "status", "count", "p10", "p25", "median", "p75",
                  "p90", "gap_share_percent")  # fmt: skip


def export_rows(session: Session, cycle: Cycle) -> list[list[object]]:
    """The aggregate table as rows, the same numbers as the pages: a suppressed cell has its status
    and no number, a percentile the group is too small for is empty, a coded one reads ">=4.0". The
    year-over-year figures over comparable controls (scopes ``yoy-new``/``yoy-old``) are included."""
    result: list[list[object]] = []
    for row in figures(session, cycle.id):
        coded = row.coded or {}
        names = ("p10", "p25", "median", "p75", "p90", "gap_share")
        numbers: list[object] = (
            [row.count, *(_number(getattr(row, name), coded.get(name)) for name in names)]
            if row.published
            else [""] * 7
        )
        if row.published:
            status = (
                "published" if row.carried_from is None else f"published (publication {row.carried_from})"
            )
        else:
            status = f"suppressed ({row.reason})"
        result.append([cycle.name, row.peer_group, row.scope, row.key, status, *numbers])
    return result


def export_csv(session: Session, cycle: Cycle) -> str:
    """The figures as CSV for spreadsheets (formula-safe cells, UTF-8 with a byte-order mark)."""
    return csv_text(EXPORT_COLUMNS, export_rows(session, cycle))


def group_sizes(rows: list[BenchmarkFigure]) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.scope == OVERALL and row.published and row.count:
            sizes[row.peer_group] = row.count
    return dict(sizes)
