"""Percentiles and ranks behave as a statistician and a spreadsheet expect."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberdelta.benchmark.statistics import distribution, percentile, percentile_rank, share

scores = st.lists(st.floats(min_value=0, max_value=5, allow_nan=False), min_size=1, max_size=60)


def test_known_values_match_spreadsheet_percentile_inc() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert distribution(values) == distribution(reversed(values))
    figures = distribution(values)
    assert (figures.count, figures.p10, figures.p25, figures.median, figures.p75, figures.p90) == (
        5,
        1.4,
        2.0,
        3.0,
        4.0,
        4.6,
    )


@given(scores)
def test_percentiles_are_ordered_and_within_the_data(values: list[float]) -> None:
    figures = distribution(values)
    assert (
        min(values)
        <= figures.p10
        <= figures.p25
        <= figures.median
        <= figures.p75
        <= figures.p90
        <= max(values)
    )
    assert figures.count == len(values)


@given(scores, st.floats(min_value=0, max_value=5, allow_nan=False))
def test_percentile_rank_is_between_0_and_100_and_monotone(values: list[float], value: float) -> None:
    rank = percentile_rank(value, values)
    assert 0 <= rank <= 100
    assert percentile_rank(value + 0.5, values) >= rank


def test_a_firm_tied_with_everyone_stands_at_the_median() -> None:
    assert percentile_rank(3.0, [3.0] * 7) == 50.0


def test_empty_inputs_are_errors_not_numbers() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile_rank(1.0, [])
    with pytest.raises(ValueError):
        share([])
    assert share([True, False, False, True]) == 50.0
