"""A determined reader against the published benchmark (docs/benchmark.md, "Disclosure control" and
"Reconstruction audit"). Each attack is tried on what the pages, exports and API publish, and each
must fail to pin any firm's value narrower than the rules allow.

The reader is the reconstruction audit run on a record rebuilt from the published numbers alone
plus what a reader may know (which firms belong to which peer group): the linear programme of
every constraint those numbers imply (:mod:`cyberdelta.benchmark.reconstruction`). For contrast,
:func:`type7_reader` is the inversion that worked on the earlier method (unrounded type-7
percentiles): from p10 … p90 of a group of 5 it recovers every score exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from cyberdelta.benchmark import disclosure, peer_groups, statistics
from cyberdelta.benchmark.compute import OVERALL, FirmResult, compute
from cyberdelta.benchmark.disclosure import DEFAULT_RULES, Coded
from cyberdelta.benchmark.history import History, PublishedFigure, Record
from cyberdelta.benchmark.privacy import Atoms
from cyberdelta.benchmark.publication import settle
from cyberdelta.benchmark.reconstruction import audit

QUANTILE_NAMES = {"p10": 10, "p25": 25, "median": 50, "p75": 75, "p90": 90}


def type7_reader(count: int, published: Mapping[int, float]) -> list[tuple[float, float]]:
    """Bounds on each order statistic when the published percentiles are exact type-7 values
    (the earlier method): each is y[lo] + f·(y[hi] − y[lo]) at position (n − 1)·q/100."""
    rows, rhs = [], []
    for q, value in published.items():
        position = (count - 1) * q / 100
        lower = int(np.floor(position))
        upper = min(lower + 1, count - 1)
        fraction = position - lower
        row = np.zeros(count)
        row[lower] += 1 - fraction
        row[upper] += fraction
        rows.append(row)
        rhs.append(value)
    order = [np.eye(count)[i] - np.eye(count)[i + 1] for i in range(count - 1)]
    bounds = []
    for i in range(count):
        extremes = []
        for sense in (1.0, -1.0):
            objective = np.zeros(count)
            objective[i] = sense
            solved = linprog(objective, A_ub=np.array(order), b_ub=np.zeros(count - 1), A_eq=np.array(rows),
                             b_eq=np.array(rhs), bounds=(0, 5), method="highs")  # fmt: skip
            extremes.append(float(solved.x[i]))
        bounds.append((extremes[0], extremes[1]))
    return bounds


def firm(profile: Mapping[str, Any], overall: float, member: str) -> FirmResult:
    result = FirmResult(groups=peer_groups.groups_of(profile), member=member)
    result.values[(OVERALL, OVERALL)] = overall
    return result


def record_from_response(
    figures: Sequence[Mapping[str, Any]], members: Mapping[str, list[str]], number: int = 1
) -> Record:
    """What a reader holds: the published figures (as the API returns them) and who is in which group."""
    published = []
    for item in figures:
        if not item.get("published"):
            continue
        coded = item.get("coded") or {}
        quantiles = {
            q: Coded(float(item[name]), coded.get(name))
            for name, q in QUANTILE_NAMES.items()
            if item.get(name) is not None
        }
        share = item.get("gap_share")
        published.append(
            PublishedFigure(number, item["peer_group"], item["scope"], item["key"], int(item["count"]),
                            quantiles, None if share is None else Coded(float(share), coded.get("gap_share")))
        )  # fmt: skip
    return Record(number, dict(members), {}, published)


def as_response(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The API's JSON of computed rows (benchmark.http.benchmarks._figure_json), for pure tests."""
    keys = ("peer_group", "scope", "key", "published", "count", "coded", *QUANTILE_NAMES, "gap_share")
    return [{key: row.get(key) for key in keys} for row in rows]


# --- the quantile inversion -------------------------------------------------------------------


def test_the_inversion_recovers_every_score_of_five_from_unrounded_type_7_percentiles() -> None:
    """Why the earlier method was withdrawn: its five percentiles of five firms are five equations."""
    scores = [1.7, 2.35, 2.6, 3.1, 4.05]
    old = statistics.distribution(scores)
    bounds = type7_reader(5, {10: old.p10, 25: old.p25, 50: old.median, 75: old.p75, 90: old.p90})
    assert all(abs(low - value) < 1e-6 and abs(high - value) < 1e-6 for (low, high), value in
               zip(bounds, scores, strict=True))  # fmt: skip


scores_of = st.lists(st.integers(0, 500).map(lambda cents: cents / 100), min_size=5, max_size=9)


@settings(max_examples=60, deadline=None)
@given(scores_of)
def test_a_group_of_5_to_9_publishes_nothing_that_pins_a_score(scores: list[float]) -> None:
    population = {i: firm({"custody_band": "small"}, value, f"m{i}") for i, value in enumerate(scores)}
    outcome = compute(1, population)
    assert settle(outcome, [])[0].passed
    response = as_response(outcome.figures)
    overall = next(item for item in response if item["peer_group"] == peer_groups.ALL)
    # Fewer than 10 firms: the median only, the rounded mean of 5 neighbours, never an unrounded float.
    assert {name for name in QUANTILE_NAMES if overall[name] is not None} == {"median"}
    start, end = disclosure.window(len(scores), 50, 5)
    expected = disclosure.code_score(sum(sorted(scores)[start:end]) / 5, DEFAULT_RULES)
    assert (overall["median"], (overall["coded"] or {}).get("median")) == (expected.value, expected.coding)
    assert round(overall["median"], 1) == overall["median"]
    members = {f"m{i}": population[i].groups for i in population}
    result = audit(History([record_from_response(response, members)]))
    assert result.passed, result.findings


# --- differencing across groups ------------------------------------------------------------


def test_three_overlapping_groups_do_not_isolate_a_firm() -> None:
    """All (11) minus custody:small (5) minus custody:medium (5) is the one large-custody firm: the
    pairwise rule let all three be published (every pair differs by 5 or more)."""
    population = {}
    for i in range(11):
        band = "small" if i < 5 else "medium" if i < 10 else "large"
        population[i] = firm({"custody_band": band}, 1.5 + i / 5, f"m{i}")
    outcome = compute(1, population)
    shown = {row["peer_group"]: row for row in outcome.figures if row["scope"] == OVERALL}
    published = [group for group, row in shown.items() if row["published"]]
    sets = {g: frozenset(f"m{i}" for i in population if g in population[i].groups) for g in published}
    small, medium = (frozenset(f"m{i}" for i in range(a, a + 5)) for a in (0, 5))
    everyone = frozenset(f"m{i}" for i in range(11))
    # Each pair passes the pairwise rule, but the three together isolate m10 …
    assert all(len(a ^ b) >= 5 for a, b in combinations((everyone, small, medium), 2))
    assert Atoms((everyone, small, medium)).smallest() == 1
    # … so one of the two custody groups (the second considered) is withheld.
    assert [shown[g]["reason"] for g in ("custody:medium", "custody:small")] == ["published", "differencing"]
    assert Atoms(sets.values()).smallest() >= 5
    members = {f"m{i}": population[i].groups for i in population}
    assert audit(History([record_from_response(as_response(outcome.figures), members)])).passed


profiles = st.fixed_dictionaries(
    {
        "custody_band": st.sampled_from(["small", "medium", "large"]),
        "customers_band": st.sampled_from(["small", "medium", "large"]),
        "staking_or_defi": st.booleans(),
    }
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(profiles, st.floats(0, 5)), min_size=5, max_size=45))
def test_no_combination_of_published_groups_isolates_fewer_than_5_firms(
    spec: list[tuple[dict[str, object], float]],
) -> None:
    population = {i: firm(profile, value, f"m{i}") for i, (profile, value) in enumerate(spec)}
    outcome = compute(1, population)
    published = [row["peer_group"] for row in outcome.figures if row["published"]]
    sets = [frozenset(f"m{i}" for i in population if g in population[i].groups) for g in published]
    # Every atom of all the sets holds 5 or more, so every combination of some of them does too
    # (its atoms are unions of these); the pairwise rule is the smallest case.
    assert not 0 < Atoms(sets).smallest() < 5
    for first, second in combinations(sets, 2):
        assert not 0 < len(first ^ second) < 5
    # What the audit would still find is withheld before publishing (benchmark.publication.settle).
    assert settle(outcome, [])[0].passed
    members = {f"m{i}": population[i].groups for i in population}
    assert audit(History([record_from_response(as_response(outcome.figures), members)])).passed


# --- differencing in time -----------------------------------------------------------------------


def test_one_more_firm_changes_nothing_and_five_more_make_a_publication_the_reader_cannot_split() -> None:
    first = {i: firm({}, 1.2 + 0.55 * i, f"m{i}") for i in range(5)}
    one = compute(1, first, number=1)
    assert settle(one, [])[0].passed
    history = History([one.record])
    sixth = first | {5: firm({}, 3.33, "m5")}
    again = compute(1, sixth, history=history, number=2)
    row = next(r for r in again.figures if r["peer_group"] == peer_groups.ALL)
    assert row["reason"] == "carried" and row["carried_from"] == 1  # the same numbers as before
    before = next(r for r in one.figures if r["peer_group"] == peer_groups.ALL)
    assert row["median"] == before["median"] and row["count"] == before["count"] == 5
    ten = first | {i: firm({}, 0.9 + 0.4 * i, f"m{i}") for i in range(5, 10)}
    second = compute(1, ten, history=history, number=2)
    assert settle(second, [one.record])[0].passed
    fresh = next(r for r in second.figures if r["peer_group"] == peer_groups.ALL)
    assert fresh["reason"] == "published" and fresh["count"] == 10
    members = {f"m{i}": ten[i].groups for i in ten}
    reader = History([
        record_from_response(as_response(one.figures), {m: g for m, g in members.items() if m < "m5"}, 1),
        record_from_response(as_response(second.figures), members, 2),
    ])  # fmt: skip
    assert audit(reader).passed


# --- percentile rank --------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 5), min_size=5, max_size=60))
def test_a_rank_band_holds_at_least_5_firms(scores: list[float]) -> None:
    population = {i: firm({}, value, f"m{i}") for i, value in enumerate(scores)}
    outcome = compute(1, population)
    bands: dict[tuple[int, int], int] = {}
    for position in outcome.positions:
        _score, low, high = position["ranks"][peer_groups.ALL][OVERALL]
        bands[(low, high)] = bands.get((low, high), 0) + 1
    if len(scores) < 10:
        assert set(bands) == {(0, 100)}  # a rank says nothing in a group under 10
    assert all(high - low >= 20 for low, high in bands)
    # The group is split into at most n // 5 bands, so each band's share of ranks covers 5 firms.
    assert disclosure.bands(len(scores), 5) <= max(1, len(scores) // 5)
    assert all(len(scores) * (high - low + 1) / 100 >= 5 for low, high in bands)  # percent rounding


def test_a_resubmitted_assessment_cannot_be_isolated_by_comparing_two_publications() -> None:
    """A firm returned and resubmitted is a new member: the old and the new set differ by it alone,
    so the group keeps its earlier figure instead of publishing a difference of one firm."""
    ten = {i: firm({}, 1.0 + 0.3 * i, f"m{i}") for i in range(10)}
    one = compute(1, ten, number=1)
    assert settle(one, [])[0].passed
    changed = ten | {3: firm({}, 4.4, "m3-revision-2")}
    second = compute(1, changed, history=History([one.record]), number=2)
    row = next(r for r in second.figures if r["peer_group"] == peer_groups.ALL)
    assert row["reason"] == "carried" and row["carried_from"] == 1
    before = next(r for r in one.figures if r["peer_group"] == peer_groups.ALL)
    assert (row["median"], row["p25"], row["p75"]) == (before["median"], before["p25"], before["p75"])
    assert settle(second, [one.record])[0].passed


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(profiles, st.floats(0, 5)), min_size=5, max_size=25),
    st.lists(st.tuples(st.integers(0, 8), st.integers(0, 3)), min_size=1, max_size=3),
    st.data(),
)
def test_successive_publications_never_isolate_a_firm(
    start: list[tuple[dict[str, object], float]],
    steps: list[tuple[int, int]],
    data: st.DataObject,
) -> None:
    """Publications with firms joining and resubmitting: over all of them, every atom of every
    figure's published sets holds 5 or more, and the audit of everything published passes."""
    population = {i: firm(profile, value, f"m{i}") for i, (profile, value) in enumerate(start)}
    records: list[Record] = []
    for number, (joining, resubmitting) in enumerate([(0, 0), *steps], start=1):
        for _ in range(joining):
            profile, value = data.draw(st.tuples(profiles, st.floats(0, 5)))
            population[len(population)] = firm(profile, value, f"m{len(population)}")
        for org in data.draw(st.lists(st.sampled_from(sorted(population)), max_size=resubmitting)):
            population[org] = firm({}, data.draw(st.floats(0, 5)), f"{population[org].member}+")
        outcome = compute(1, population, history=History(records), number=number)
        assert settle(outcome, records)[0].passed
        records.append(outcome.record)
    history = History(records)
    for scope_key in {(f.scope, f.key) for record in records for f in record.figures}:
        sets = history.prior_sets(*scope_key)
        assert not 0 < Atoms(sets).smallest() < 5
