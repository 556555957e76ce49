"""Stored benchmarks over a synthetic industry (real database): the demo generator, recomputation,
"where you stand" and the industry view agree with the firms' own answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service as assessment_service
from cyberdelta.assessment.models import Assessment, Cycle
from cyberdelta.benchmark import disclosure, peer_groups, statistics
from cyberdelta.benchmark.compute import following_cycles
from cyberdelta.benchmark.demo import populate
from cyberdelta.benchmark.disclosure import DEFAULT_RULES
from cyberdelta.benchmark.models import BenchmarkFigure, BenchmarkPosition
from cyberdelta.benchmark.publication import recompute
from cyberdelta.benchmark.service import export_csv, industry_view, where_you_stand
from cyberdelta.platform.db.engine import transaction
from tests.benchmark.conftest import DEMO_ORGS, World


def published_median(values: list[float]) -> float:
    return disclosure.quantiles(sorted(values), DEFAULT_RULES)[50].value


def overall_scores(session: Session, cycle_id: int) -> dict[int, float]:
    result = {}
    for assessment in session.scalars(select(Assessment).where(Assessment.cycle_id == cycle_id)):
        overall = assessment_service.summary(session, assessment).overall
        assert overall is not None
        result[assessment.organisation_id] = overall
    return result


def test_the_demo_is_reproducible_and_idempotent(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        again = populate(session, orgs=DEMO_ORGS, cycles=2)
        assert again.created_assessments == 0 and again.organisations == world.organisations
        assert session.scalar(select(func.count()).select_from(Assessment)) == DEMO_ORGS * 2
        first, second = (session.get_one(Cycle, cycle_id) for cycle_id in world.cycles)
        assert (first.previous_cycle_id, second.previous_cycle_id) == (None, first.id)


def test_where_you_stand_matches_the_firms_own_answers_and_the_industry(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, world.cycles[-1])
        assert cycle is not None
        scores = overall_scores(session, cycle.id)
        old_scores = overall_scores(session, world.cycles[0])
        org = world.organisations[3]
        result = where_you_stand(session, cycle, org, peer_groups.ALL)
        overall = result.standings[0]
        assert result.included and overall.key == "overall"
        assert abs((overall.score or 0) - scores[org]) < 1e-9
        # The rank only as its band, the median as the rounded mean of the 5 firms around it
        # (docs/benchmark.md, "Disclosure control").
        rank = statistics.percentile_rank(scores[org], scores.values())
        assert overall.band is not None and overall.band[0] <= rank <= overall.band[1]
        assert overall.band[1] - overall.band[0] == 50  # 12 firms: two bands
        assert overall.figure is not None and overall.figure.count == DEMO_ORGS
        assert overall.figure.median == published_median(list(scores.values()))
        assert abs((overall.previous_score or 0) - old_scores[org]) < 1e-9
        expected_change = published_median(list(scores.values())) - published_median(
            list(old_scores.values())
        )
        assert overall.median_change == pytest.approx(expected_change)
        for weak in result.bottom_quartile:
            assert weak.maturity < weak.p25


def test_a_too_small_peer_group_is_suppressed_everywhere(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, world.cycles[-1])
        assert cycle is not None
        suppressed = session.scalars(
            select(BenchmarkFigure).where(
                BenchmarkFigure.cycle_id == cycle.id, BenchmarkFigure.published.is_(False)
            )
        ).all()
        assert suppressed and all(row.median is None and row.count is None for row in suppressed)
        tiny = {row.peer_group for row in suppressed if row.scope == "overall"}
        positions = session.scalars(
            select(BenchmarkPosition).where(BenchmarkPosition.cycle_id == cycle.id)
        ).all()
        assert len(positions) == DEMO_ORGS
        assert not [row for row in positions if tiny & set(row.ranks)]
        view = industry_view(session, cycle)
        assert any(not cell.published for cell in view.cells.values())
        assert view.weakest and all(row.published for _label, _title, row in view.weakest)
        csv_text = export_csv(session, cycle)
        assert "suppressed (too-few)" in csv_text or "suppressed (differencing)" in csv_text


def test_recomputing_replaces_the_cycles_figures(
    session_factory: sessionmaker[Session], world: World
) -> None:
    with transaction(session_factory) as session:
        cycle = session.get(Cycle, world.cycles[0])
        assert cycle is not None
        before = session.scalar(
            select(func.count()).select_from(BenchmarkFigure).where(BenchmarkFigure.cycle_id == cycle.id)
        )
        outcome = recompute(session, cycle)
        after = session.scalar(
            select(func.count()).select_from(BenchmarkFigure).where(BenchmarkFigure.cycle_id == cycle.id)
        )
        assert before == after == len(outcome.figures)


def test_changes_compare_with_the_cycle_chosen_when_it_was_opened(
    session_factory: sessionmaker[Session], world: World
) -> None:
    """Not with the cycle opened just before: a thematic cycle in between changes nothing."""
    first, second = world.cycles
    org = world.organisations[3]
    with transaction(session_factory) as session:
        version_id = session.get_one(Cycle, second).catalog_version_id
        thematic = assessment_service.new_cycle(session, "Thematic: signing", version_id, None)
        later = assessment_service.new_cycle(session, "Compared with the first", version_id, first)
        first_scores = overall_scores(session, first)
        alone = where_you_stand(session, thematic, org, peer_groups.ALL)
        compared = where_you_stand(session, later, org, peer_groups.ALL)
        industry = industry_view(session, later)
        following = [cycle.id for cycle in following_cycles(session, session.get_one(Cycle, first))]
    assert alone.previous is None and alone.standings[0].previous_score is None
    assert compared.previous is not None and compared.previous.id == first
    assert abs((compared.standings[0].previous_score or 0) - first_scores[org]) < 1e-9
    assert industry.previous is not None and industry.previous.id == first
    assert following == [second, later.id]
