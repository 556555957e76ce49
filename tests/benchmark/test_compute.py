"""Figures and positions from a population (pure, DESIGN §6), including the privacy property over
the real peer-group definitions: no published figure rests on fewer than 5 firms, and no two
published groups of one figure differ by 1 to 4 firms."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberdelta.benchmark import peer_groups, statistics
from cyberdelta.benchmark.compute import OVERALL, FirmResult, compute
from cyberdelta.benchmark.privacy import K_ANONYMITY


def firm(custody: str, overall: float | None, control: float | None = None, gap: bool = False) -> FirmResult:
    result = FirmResult(groups=peer_groups.groups_of({"custody_band": custody}))
    if overall is not None:
        result.values[(OVERALL, OVERALL)] = overall
    if control is not None:
        result.values[("control", "gv-1")] = control
        result.gaps[("control", "gv-1")] = gap
    return result


def figure(
    outcome_rows: list[dict[str, object]], group: str, scope: str = OVERALL, key: str = OVERALL
) -> dict[str, object]:
    return next(r for r in outcome_rows if (r["peer_group"], r["scope"], r["key"]) == (group, scope, key))


def test_published_figures_carry_neighbour_mean_percentiles_and_the_gap_share() -> None:
    """docs/benchmark.md, "Disclosure control": each percentile is the mean of the 5 order
    statistics around its type-7 position, rounded to 0.1, and only where the group is large
    enough for it (median from 5, p25/p75 from 10, p10/p90 from 20 firms)."""
    values = [1.0, 2.0, 2.5, 3.0, 3.5, 4.0]
    population = {i: firm("small", v, control=v, gap=v < 3) for i, v in enumerate(values)}
    outcome = compute(1, population)
    all_firms = figure(outcome.figures, peer_groups.ALL)
    assert all_firms["published"] and all_firms["count"] == 6
    # Position 2.5 of 6: the window is the 2nd–6th value, (2 + 2.5 + 3 + 3.5 + 4) / 5 = 3.0.
    assert (all_firms["p10"], all_firms["p25"], all_firms["median"], all_firms["p75"], all_firms["p90"]) == (
        None,
        None,
        3.0,
        None,
        None,
    )
    assert figure(outcome.figures, peer_groups.ALL, "control", "gv-1")["gap_share"] == 50.0
    twenty = [0.1 * i + 1.5 for i in range(20)]  # 1.5, 1.6, …, 3.4: p10 = mean(1.5 … 1.9), …
    large = compute(1, {i: firm("small", v) for i, v in enumerate(twenty)})
    row = figure(large.figures, peer_groups.ALL)
    assert (row["p10"], row["p25"], row["median"], row["p75"], row["p90"]) == (1.7, 2.0, 2.5, 2.9, 3.2)


def test_a_group_of_fewer_than_five_is_suppressed_and_stores_no_number() -> None:
    population = {i: firm("small", 2.0 + i / 10) for i in range(8)} | {
        8 + i: firm("large", 4.0) for i in range(3)
    }
    outcome = compute(1, population)
    large = figure(outcome.figures, "custody:large")
    assert not large["published"] and large["reason"] == "too-few"
    assert "median" not in large and "count" not in large
    assert not [p for p in outcome.positions if "custody:large" in p["ranks"]]


def test_a_group_one_firm_short_of_all_exchanges_is_suppressed_by_differencing() -> None:
    population = {i: firm("small", 1.0 + i / 4) for i in range(9)} | {9: firm("large", 5.0)}
    small = figure(compute(1, population).figures, "custody:small")
    assert small["reason"] == "differencing"


def test_a_firm_answering_n_a_leaves_the_contributing_set_of_that_control() -> None:
    population = {i: firm("small", 3.0, control=3.0 if i < 4 else None) for i in range(6)}
    outcome = compute(1, population)
    assert figure(outcome.figures, peer_groups.ALL)["published"]
    assert figure(outcome.figures, peer_groups.ALL, "control", "gv-1")["reason"] == "too-few"


def test_positions_are_bands_of_the_mid_rank_percentile_rank_within_each_published_group() -> None:
    values = [1.0, 2.0, 2.0, 3.0, 4.0, 4.5, 1.5, 2.5, 3.5, 3.8, 2.2, 2.7]
    population = {i: firm("small", v) for i, v in enumerate(values)}
    ranks = {p["organisation_id"]: p["ranks"]["all"]["overall"] for p in compute(1, population).positions}
    for org, value in enumerate(values):
        own, low, high = ranks[org]
        assert own == value and (low, high) in ((0, 50), (50, 100))  # 12 firms: two bands
        assert low <= statistics.percentile_rank(value, values) <= high


profiles = st.fixed_dictionaries(
    {
        "custody_band": st.sampled_from(["small", "medium", "large"]),
        "customers_band": st.sampled_from(["small", "medium", "large"]),
        "staking_or_defi": st.booleans(),
    }
)
firms = st.tuples(profiles, st.floats(0, 5), st.one_of(st.none(), st.integers(0, 5)))


@settings(max_examples=150, deadline=None)
@given(st.lists(firms, min_size=0, max_size=40))
def test_no_published_figure_rests_on_fewer_than_k_firms_or_differs_from_another_by_1_to_k_minus_1(
    population_spec: list[tuple[dict[str, object], float, int | None]],
) -> None:
    population = {}
    for org, (profile, overall, control) in enumerate(population_spec):
        result = FirmResult(groups=peer_groups.groups_of(profile))
        result.values[(OVERALL, OVERALL)] = overall
        if control is not None:
            result.values[("control", "gv-1")] = float(control)
            result.gaps[("control", "gv-1")] = control < 3
        population[org] = result
    outcome = compute(7, population)
    for scope, key in {(row["scope"], row["key"]) for row in outcome.figures}:
        published = []
        for row in outcome.figures:
            if (row["scope"], row["key"]) != (scope, key) or not row["published"]:
                continue
            members = frozenset(
                org
                for org, result in population.items()
                if row["peer_group"] in result.groups and (scope, key) in result.values
            )
            assert row["count"] == len(members) >= K_ANONYMITY
            published.append(members)
        for first, second in combinations(published, 2):
            assert not 1 <= len(first ^ second) <= K_ANONYMITY - 1
    published_groups = {(row["peer_group"], row["key"]) for row in outcome.figures if row["published"]}
    ranked = {(group, key) for p in outcome.positions for group, keys in p["ranks"].items() for key in keys}
    assert ranked <= published_groups
