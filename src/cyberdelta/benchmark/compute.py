"""Computing the benchmark figures of a cycle (docs/benchmark.md, "What is computed"), as one operation.

Input: the latest submitted or accepted revision of each firm in the cycle ("only submitted,
accepted-or-pending assessments of the same cycle and catalog version count"), pulled with ONE
query of (organisation, control, maturity, N/A) rows, plus the firms' profiles. Output: the
``benchmark_figure`` rows (published with count and percentiles, or suppressed with a reason) and
each firm's ``benchmark_position`` per published overall/domain figure, and the publication's
record (:mod:`benchmark.history`). :mod:`benchmark.publication` audits them and replaces the
cycle's visible figures inside the caller's transaction, so readers see the old or the new set.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.assessment import scoring
from cyberdelta.assessment.catalog_view import CatalogView, catalog_view
from cyberdelta.assessment.models import Assessment, Cycle, Response, RiskProfile
from cyberdelta.assessment.workflow import State
from cyberdelta.benchmark import disclosure, peer_groups, privacy, statistics, versions
from cyberdelta.benchmark.disclosure import DEFAULT_RULES, Rules
from cyberdelta.benchmark.history import History, PublishedFigure, Record, figure_token
from cyberdelta.platform.db.base import utcnow

COUNTED_STATES = (State.SUBMITTED.value, State.ACCEPTED.value)
OVERALL = "overall"
RANKED_SCOPES = (OVERALL, "domain")
# Year-over-year figures of a cycle whose catalog version differs from the previous cycle's: the
# overall and domain distributions over the comparable controls only, of this cycle (``yoy-new``)
# and of the previous one (``yoy-old``), both stored with this cycle (benchmark.versions).
YOY_NEW = "yoy-new"
YOY_OLD = "yoy-old"


@dataclass
class FirmResult:
    """One firm's values in a cycle: per figure key its value and whether it has a baseline gap.
    ``member`` names the submission (its assessment id) the values come from; the differencing rule
    counts submissions, so a resubmitted revision is a new member (benchmark.privacy)."""

    groups: list[str]
    values: dict[tuple[str, str], float] = field(default_factory=dict)
    gaps: dict[tuple[str, str], bool] = field(default_factory=dict)
    member: str = ""


@dataclass(frozen=True)
class Submission:
    """One counted firm in a cycle: its peer groups and its applicable answered maturities."""

    groups: list[str]
    answers: dict[str, int]
    assessment_id: int = 0


def load_submissions(session: Session, cycle: Cycle) -> dict[int, Submission]:
    """Every counted firm's latest counted revision (one query for all answers).

    Peer groups come from the inherent-risk profile frozen in the submission's sign-off snapshot,
    so a firm that changes its profile later stays in the groups it was assessed in; a snapshot
    from before the profile was frozen (or none, as in the demo data) falls back to the firm's
    current profile."""
    heads = session.execute(
        select(Assessment.organisation_id, Assessment.revision, Assessment.id, Assessment.snapshot["profile"])
        .where(Assessment.cycle_id == cycle.id, Assessment.state.in_(COUNTED_STATES))
        .order_by(Assessment.organisation_id, Assessment.revision)
    ).all()
    assessment_ids: dict[int, int] = {}
    frozen: dict[int, dict[str, Any]] = {}
    for org, _revision, assessment_id, profile in heads:  # ascending revision: the last one wins
        assessment_ids[org] = assessment_id
        if isinstance(profile, dict):
            frozen[org] = profile
        else:
            frozen.pop(org, None)
    organisation_of = {assessment_id: org for org, assessment_id in assessment_ids.items()}
    answers: dict[int, dict[str, int]] = defaultdict(dict)  # applicable answered maturities only
    answered: set[int] = set()
    for assessment_id, control_id, maturity, not_applicable in session.execute(
        select(Response.assessment_id, Response.control_id, Response.maturity, Response.not_applicable).where(
            Response.assessment_id.in_(list(organisation_of))
        )
    ):
        org = organisation_of[assessment_id]
        answered.add(org)
        if maturity is not None and not not_applicable:
            answers[org][control_id] = maturity
    latest = {org: assessment_ids[org] for org in answered}  # firms with at least one response row
    current: dict[int, dict[str, Any]] = dict(
        session.execute(
            select(RiskProfile.organisation_id, RiskProfile.answers).where(
                RiskProfile.organisation_id.in_([org for org in latest if org not in frozen])
            )
        ).all()
    )
    return {
        org: Submission(
            groups=peer_groups.groups_of(frozen.get(org) or current.get(org) or {}),
            answers=answers.get(org, {}),
            assessment_id=assessment_ids[org],
        )
        for org in latest
    }


def score(
    submissions: Mapping[int, Submission], view: CatalogView, controls: frozenset[str] | None = None
) -> dict[int, FirmResult]:
    """Overall, domain and control values per firm (docs/assessment.md, "Scoring"), over ``controls`` when
    given."""
    specs = [spec for spec in view.specs if controls is None or spec.control_id in controls]
    weights = {domain.code: domain.weight for domain in view.domains}
    population: dict[int, FirmResult] = {}
    for org, submission in submissions.items():
        firm_answers = submission.answers
        firm = FirmResult(groups=submission.groups, member=str(submission.assessment_id))
        # The same means as scoring.domain_scores (docs/assessment.md, "Scoring"), accumulated in one pass
        # per firm.
        pairs: dict[str, list[tuple[float, float]]] = {domain: [] for domain in weights}
        domain_gap: dict[str, bool] = defaultdict(bool)
        for spec in specs:
            maturity = firm_answers.get(spec.control_id)
            if maturity is None:
                continue
            pairs.setdefault(spec.domain, []).append((float(maturity), spec.weight))
            firm.values[("control", spec.control_id)] = float(maturity)
            if spec.basic:
                gap = maturity < scoring.BASELINE_MATURITY
                firm.gaps[("control", spec.control_id)] = gap
                domain_gap[spec.domain] |= gap
        scores = {domain: scoring.weighted_mean(items) for domain, items in pairs.items()}
        for domain, value in scores.items():
            if value is not None:
                firm.values[("domain", domain)] = value
                firm.gaps[("domain", domain)] = domain_gap[domain]
        overall = scoring.overall_score(scores, weights)
        if overall is not None:
            firm.values[(OVERALL, OVERALL)] = overall
        population[org] = firm
    return population


def load_population(session: Session, cycle: Cycle, view: CatalogView | None = None) -> dict[int, FirmResult]:
    """Every counted firm's overall, domain and control values."""
    return score(load_submissions(session, cycle), view or catalog_view(session, cycle.catalog_version_id))


@dataclass(frozen=True)
class Outcome:
    figures: list[dict[str, Any]]
    positions: list[dict[str, Any]]
    record: Record


FigureId = tuple[str, str, str]  # (group, scope, key)


def compute(
    cycle_id: int,
    population: Mapping[int, FirmResult],
    rules: Rules = DEFAULT_RULES,
    history: History | None = None,
    number: int = 1,
    withheld: frozenset[FigureId] = frozenset(),
) -> Outcome:
    """Figures, positions and the publication record for a population (pure).

    The threshold and differencing rules (:mod:`benchmark.privacy`) decide per figure, over the
    firms contributing a value to it and against the member sets of the earlier publications in
    ``history``; a published figure's numbers are made by :mod:`benchmark.disclosure`.
    ``withheld`` lists figures the reconstruction audit found too revealing (reason
    ``reconstruction``). Decisions depend only on which members lack a value for the figure and on
    the history of that figure, so figures sharing both share one decision (1,000 firms × 1,300
    figures: a few distinct cases).
    """
    history = history or History()
    member_of = {org: firm.member or str(org) for org, firm in population.items()}
    members: dict[str, set[int]] = defaultdict(set)
    for org, firm in population.items():
        for group in firm.groups:
            members[group].add(org)
    groups = sorted(members)
    index = privacy.MemberIndex()
    group_masks = {group: index.mask(frozenset(member_of[org] for org in members[group])) for group in groups}
    by_figure: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    gaps: dict[tuple[str, str], dict[int, bool]] = defaultdict(dict)
    for org, firm in population.items():
        for figure_key, value in firm.values.items():
            by_figure[figure_key][org] = value
        for figure_key, gap in firm.gaps.items():
            gaps[figure_key][org] = gap
    everyone = set(population)
    record = Record(
        number=number,
        members={member_of[org]: list(firm.groups) for org, firm in population.items()},
        missing={},
    )
    now = utcnow()
    figures: list[dict[str, Any]] = []
    ranks: dict[int, dict[str, dict[str, list[float]]]] = defaultdict(dict)
    cache: dict[tuple[object, ...], dict[str, privacy.Decision]] = {}
    for (scope, key), values in by_figure.items():
        missing = frozenset(member_of[org] for org in everyone - values.keys())
        if missing:
            record.missing[figure_token(scope, key)] = sorted(missing)
        earlier = history.last(scope, key)
        case = (missing, history.signature(scope, key))
        if case not in cache:
            missing_mask = index.mask(missing)
            sets = {group: group_masks[group] & ~missing_mask for group in groups}
            priority = [peer_groups.ALL] if peer_groups.ALL in sets else []
            priority += sorted(
                (g for g in groups if g != peer_groups.ALL), key=lambda g: (-sets[g].bit_count(), g)
            )
            carried = {group: index.mask(history.contributors(figure)) for group, figure in earlier.items()}
            prior = [index.mask(members) for members in history.prior_sets(scope, key)]
            cache[case] = privacy.decide_masks(sets, priority, rules.k, prior, carried, index)
        for group, decision in cache[case].items():
            reason = decision.reason
            if decision.published and (group, scope, key) in withheld:
                reason = "reconstruction"
            row: dict[str, Any] = {
                "cycle_id": cycle_id,
                "peer_group": group,
                "scope": scope,
                "key": key,
                "published": reason in ("published", "carried"),
                "reason": reason,
                "computed_at": now,
            }
            if reason == "carried":
                published = earlier[group]
                row["carried_from"] = published.number
            elif reason == "published":
                orgs = [org for org in members[group] if org in values]
                ordered = [values[org] for org in orgs]
                ordered.sort()
                figure_gaps = gaps.get((scope, key), {})
                flags = [figure_gaps[org] for org in orgs if org in figure_gaps]
                published = PublishedFigure(
                    number=number,
                    group=group,
                    scope=scope,
                    key=key,
                    count=len(ordered),
                    quantiles=disclosure.quantiles(ordered, rules),
                    gap_share=disclosure.code_share(statistics.share(flags), rules) if flags else None,
                )
                if scope in RANKED_SCOPES:
                    _ranks(ranks, group, key, orgs, values, ordered, rules)
            else:
                figures.append(row)
                continue
            record.figures.append(published)
            figures.append(row | figure_columns(published))
    positions = [
        {"cycle_id": cycle_id, "organisation_id": org, "ranks": firm_ranks}
        for org, firm_ranks in ranks.items()
    ]
    return Outcome(figures, positions, record)


def figure_columns(figure: PublishedFigure) -> dict[str, Any]:
    """The stored columns of a published figure: count, percentiles (None where the group is too
    small for one), the gap share and which numbers are top- or bottom-coded."""
    columns: dict[str, Any] = {"count": figure.count}
    coded: dict[str, str] = {}
    for q, name in disclosure.QUANTILE_FIELDS.items():
        number = figure.quantiles.get(q)
        columns[name] = None if number is None else number.value
        if number is not None and number.coding:
            coded[name] = number.coding
    columns["gap_share"] = None if figure.gap_share is None else figure.gap_share.value
    if figure.gap_share is not None and figure.gap_share.coding:
        coded["gap_share"] = figure.gap_share.coding
    columns["coded"] = coded or None
    return columns


def _ranks(
    ranks: dict[int, dict[str, dict[str, list[float]]]],
    group: str,
    key: str,
    orgs: list[int],
    values: Mapping[int, float],
    ordered: list[float],
    rules: Rules,
) -> None:
    """Each firm's own score and its percentile-rank band (:func:`disclosure.rank_band`) from the
    mid-rank (:func:`statistics.percentile_rank`), one pass over the sorted values."""
    total = len(ordered)
    count = disclosure.bands(total, rules.k)
    edges = [(round(100 * index / count), round(100 * (index + 1) / count)) for index in range(count)]
    band_of: dict[float, tuple[int, int]] = {}
    start = 0
    while start < total:  # one pass over runs of equal values: below = start, equal = end − start
        end = bisect.bisect_right(ordered, ordered[start], start)
        band_of[ordered[start]] = edges[min(count - 1, int((start + 0.5 * (end - start)) / total * count))]
        start = end
    for org in orgs:
        value = values[org]
        ranks[org].setdefault(group, {})[key] = [value, *band_of[value]]


def previous_cycle(session: Session, cycle: Cycle) -> Cycle | None:
    """The cycle ``cycle`` compares with (chosen when it was opened), if any."""
    return session.get(Cycle, cycle.previous_cycle_id) if cycle.previous_cycle_id is not None else None


def following_cycles(session: Session, cycle: Cycle) -> list[Cycle]:
    """The cycles that compare with ``cycle`` (an annual cycle and a thematic one may both)."""
    return list(session.scalars(select(Cycle).where(Cycle.previous_cycle_id == cycle.id).order_by(Cycle.id)))


def yoy_populations(session: Session, cycle: Cycle, previous: Cycle) -> list[dict[int, FirmResult]]:
    """The overall and domain values over the controls comparable between the two cycles' catalog
    versions, of this cycle (scope ``yoy-new``) and of the previous one (``yoy-old``), published
    with this cycle under the same rules as any figure; none when every control compares as it is
    (then the ordinary figures are comparable)."""
    mapping = versions.version_mapping(session, previous.catalog_version_id, cycle.catalog_version_id)
    if mapping.identical:
        return []
    view = catalog_view(session, cycle.catalog_version_id)
    return [
        {
            org: FirmResult(
                groups=firm.groups,
                values={(scope, k): v for (kind, k), v in firm.values.items() if kind in RANKED_SCOPES},
                gaps={(scope, k): gap for (kind, k), gap in firm.gaps.items() if kind in RANKED_SCOPES},
                member=firm.member,
            )
            for org, firm in score(load_submissions(session, source), view, mapping.comparable).items()
        }
        for scope, source in ((YOY_NEW, cycle), (YOY_OLD, previous))
    ]
