"""DESIGN §5 gaps: baseline (basic control below 3) and target gaps, ranked by gap × weight × risk."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cyberdelta.assessment.gaps import GapKind, find_gaps
from cyberdelta.assessment.scoring import Answer, ControlSpec

CONTROLS = [
    ControlSpec("gv-1", "gv", "basic", 1.0),
    ControlSpec("gv-2", "gv", "desirable", 2.0),
    ControlSpec("cx-1", "cx", "basic", 3.0),
    ControlSpec("cx-2", "cx", "desirable", 1.0),
]


def test_a_basic_control_below_three_is_a_baseline_gap_whatever_the_target() -> None:
    gaps = find_gaps(CONTROLS[:1], {"gv-1": Answer(2)}, {"gv": 1}, {"gv": 1})
    assert [(g.kind, g.size, g.target) for g in gaps] == [(GapKind.BASELINE, 1, 3)]


def test_controls_below_target_are_target_gaps_and_na_or_unanswered_have_none() -> None:
    answers = {"gv-1": Answer(4), "gv-2": Answer(3), "cx-1": Answer(not_applicable=True)}
    gaps = find_gaps(CONTROLS, answers, {"gv": 5, "cx": 5}, {"gv": 3, "cx": 3})
    assert [(g.control_id, g.kind, g.size) for g in gaps] == [
        ("gv-2", GapKind.TARGET, 2),
        ("gv-1", GapKind.TARGET, 1),
    ]


def test_priority_is_gap_times_weight_times_inherent_risk_and_ranks_the_list() -> None:
    answers = {"gv-1": Answer(1), "gv-2": Answer(2), "cx-1": Answer(2), "cx-2": Answer(3)}
    gaps = find_gaps(CONTROLS, answers, {"gv": 3, "cx": 4}, {"gv": 1, "cx": 2})
    assert [(g.control_id, g.kind, g.priority) for g in gaps] == [
        ("cx-1", GapKind.BASELINE, 2 * 3.0 * 2),
        ("gv-1", GapKind.BASELINE, 2 * 1.0 * 1),
        ("cx-2", GapKind.TARGET, 1 * 1.0 * 2),
        ("gv-2", GapKind.TARGET, 1 * 2.0 * 1),
    ]
    assert gaps[0].control_id == "cx-1" and gaps[0].priority == 12.0


def test_a_response_target_override_replaces_the_domain_target() -> None:
    gaps = find_gaps(CONTROLS[1:2], {"gv-2": Answer(3)}, {"gv": 3}, {"gv": 1}, overrides={"gv-2": 5})
    assert [(g.kind, g.size, g.target) for g in gaps] == [(GapKind.TARGET, 2, 5)]


@given(
    st.dictionaries(st.sampled_from([c.control_id for c in CONTROLS]), st.integers(0, 5)),
    st.integers(3, 5),
)
def test_gaps_are_ranked_and_positive_and_reaching_target_closes_them(
    answers: dict[str, int], target: int
) -> None:
    answer_map = {key: Answer(value) for key, value in answers.items()}
    gaps = find_gaps(CONTROLS, answer_map, {"gv": target, "cx": target}, {"gv": 1, "cx": 3})
    assert [g.priority for g in gaps] == sorted((g.priority for g in gaps), reverse=True)
    assert all(g.size > 0 and g.priority > 0 for g in gaps)
    closed = {key: Answer(5) for key in answers}
    assert find_gaps(CONTROLS, closed, {"gv": target, "cx": target}, {"gv": 1, "cx": 3}) == []
