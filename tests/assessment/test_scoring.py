"""DESIGN §5 scoring: weighted means, N/A drops out, unanswered blocks submission — as properties."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from cyberdelta.assessment.scoring import (
    Answer,
    ControlSpec,
    domain_scores,
    overall_score,
    progress,
    unanswered,
    weighted_mean,
)

DOMAINS = ("gv", "cx", "tp")
maturities = st.integers(min_value=0, max_value=5)
weights = st.floats(min_value=0.1, max_value=10, allow_nan=False)


@st.composite
def assessments(draw: st.DrawFn) -> tuple[list[ControlSpec], dict[str, Answer]]:
    count = draw(st.integers(min_value=1, max_value=12))
    controls = [
        ControlSpec(
            f"c-{index}",
            draw(st.sampled_from(DOMAINS)),
            draw(st.sampled_from(["basic", "desirable", None])),
            draw(weights),
        )
        for index in range(count)
    ]
    answers = {}
    for control in controls:
        kind = draw(st.sampled_from(["maturity", "maturity", "na", "none"]))
        if kind == "maturity":
            answers[control.control_id] = Answer(maturity=draw(maturities))
        elif kind == "na":
            answers[control.control_id] = Answer(not_applicable=True)
    return controls, answers


def test_domain_score_is_the_weighted_mean_of_applicable_answers() -> None:
    controls = [ControlSpec("a", "gv", weight=3), ControlSpec("b", "gv", weight=1), ControlSpec("c", "gv")]
    answers = {"a": Answer(4), "b": Answer(0), "c": Answer(not_applicable=True)}
    assert domain_scores(controls, answers) == {"gv": 3.0}


def test_a_domain_with_only_na_controls_has_no_score_and_drops_out_of_the_overall() -> None:
    controls = [ControlSpec("a", "gv"), ControlSpec("b", "cx")]
    scores = domain_scores(controls, {"a": Answer(not_applicable=True), "b": Answer(2)})
    assert scores == {"gv": None, "cx": 2.0}
    assert overall_score(scores) == 2.0


def test_overall_is_the_weighted_mean_of_domain_scores() -> None:
    assert overall_score({"gv": 4.0, "cx": 1.0}, {"gv": 1.0, "cx": 2.0}) == 2.0
    assert overall_score({"gv": 4.0, "cx": 1.0}) == 2.5
    assert overall_score({}) is None


def test_unanswered_controls_are_listed_and_block_submission() -> None:
    controls = [ControlSpec("a", "gv"), ControlSpec("b", "gv"), ControlSpec("c", "cx")]
    assert unanswered(controls, {"a": Answer(1), "b": Answer(not_applicable=True)}) == ["c"]
    assert unanswered(controls, {"a": Answer(1), "b": Answer(), "c": Answer(0)}) == ["b"]


def test_progress_counts_per_domain_and_overall() -> None:
    controls = [ControlSpec("a", "gv"), ControlSpec("b", "gv"), ControlSpec("c", "cx")]
    result = progress(controls, {"a": Answer(1), "c": Answer(not_applicable=True)})
    assert (result[""].answered, result[""].total, result[""].percent) == (2, 3, 66)
    assert (result["gv"].answered, result["gv"].percent) == (1, 50)
    assert result["cx"].percent == 100


@given(assessments())
def test_scores_stay_within_the_maturity_scale(case: tuple[list[ControlSpec], dict[str, Answer]]) -> None:
    controls, answers = case
    scores = domain_scores(controls, answers)
    for score in [*scores.values(), overall_score(scores)]:
        assert score is None or 0 <= score <= 5


@given(assessments(), st.data())
def test_na_never_scores_lower_than_answering_zero(
    case: tuple[list[ControlSpec], dict[str, Answer]], data: st.DataObject
) -> None:
    controls, answers = case
    chosen = data.draw(st.sampled_from(controls))
    as_zero = domain_scores(controls, {**answers, chosen.control_id: Answer(0)})
    as_na = domain_scores(controls, {**answers, chosen.control_id: Answer(not_applicable=True)})
    zero, na = as_zero[chosen.domain], as_na[chosen.domain]
    assert zero is not None
    assert na is None or na >= zero - 1e-9
    overall_na, overall_zero = overall_score(as_na), overall_score(as_zero)
    assert overall_zero is not None
    assert overall_na is None or overall_na >= overall_zero - 1e-9


@given(assessments(), st.data())
def test_raising_one_answer_never_lowers_its_domain_or_the_overall(
    case: tuple[list[ControlSpec], dict[str, Answer]], data: st.DataObject
) -> None:
    controls, answers = case
    answered = [c for c in controls if (a := answers.get(c.control_id)) and a.maturity is not None]
    if not answered:
        return
    chosen = data.draw(st.sampled_from(answered))
    before = answers[chosen.control_id].maturity
    assert before is not None
    raised = data.draw(st.integers(min_value=before, max_value=5))
    old = domain_scores(controls, answers)
    new = domain_scores(controls, {**answers, chosen.control_id: Answer(raised)})
    assert new[chosen.domain] >= old[chosen.domain] - 1e-9  # type: ignore[operator]
    assert overall_score(new) >= overall_score(old) - 1e-9  # type: ignore[operator]


@given(assessments(), st.floats(min_value=0.5, max_value=20))
def test_weights_are_relative_scaling_them_all_changes_nothing(
    case: tuple[list[ControlSpec], dict[str, Answer]], factor: float
) -> None:
    controls, answers = case
    scaled = [ControlSpec(c.control_id, c.domain, c.level, c.weight * factor) for c in controls]
    for domain, score in domain_scores(controls, answers).items():
        other = domain_scores(scaled, answers)[domain]
        assert (score is None and other is None) or math.isclose(score, other, abs_tol=1e-9)  # type: ignore[arg-type]


@given(maturities, maturities, st.integers(min_value=1, max_value=5))
def test_a_weight_of_k_counts_like_k_copies_of_the_control(high: int, low: int, k: int) -> None:
    weighted = [ControlSpec("a", "gv", weight=k), ControlSpec("b", "gv")]
    copies = [ControlSpec(f"a{i}", "gv") for i in range(k)] + [ControlSpec("b", "gv")]
    copy_answers = {f"a{i}": Answer(high) for i in range(k)} | {"b": Answer(low)}
    left = domain_scores(weighted, {"a": Answer(high), "b": Answer(low)})["gv"]
    right = domain_scores(copies, copy_answers)["gv"]
    assert left is not None and right is not None and math.isclose(left, right)


@given(st.lists(st.tuples(maturities, weights), min_size=1))
def test_a_heavier_control_pulls_the_mean_towards_its_maturity(pairs: list[tuple[int, float]]) -> None:
    base = weighted_mean((float(v), w) for v, w in pairs)
    value, weight = pairs[0]
    heavier = weighted_mean([(float(value), weight * 2)] + [(float(v), w) for v, w in pairs[1:]])
    assert base is not None and heavier is not None
    assert abs(heavier - value) <= abs(base - value) + 1e-9
