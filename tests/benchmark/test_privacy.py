"""k-anonymity with k = 5, including protection against differencing between overlapping groups."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberdelta.benchmark.privacy import K_ANONYMITY, decide, default_priority


def test_small_groups_are_suppressed() -> None:
    groups = {"all": frozenset(range(12)), "custody-in-house": frozenset(range(4))}
    decisions = decide(groups, default_priority(groups, "all"))
    assert decisions["all"].published
    assert decisions["custody-in-house"].reason == "too-few"


def test_a_group_one_firm_short_of_another_is_suppressed() -> None:
    """all (10 firms) minus large-tier (9 firms) would reveal the one remaining firm."""
    groups = {"all": frozenset(range(10)), "large": frozenset(range(9))}
    decisions = decide(groups, default_priority(groups, "all"))
    assert decisions["all"].published
    assert decisions["large"].reason == "differencing"


def test_identical_groups_may_both_be_published() -> None:
    groups = {"all": frozenset(range(8)), "hot-wallet-low": frozenset(range(8))}
    assert all(decision.published for decision in decide(groups, ["all", "hot-wallet-low"]).values())


def test_a_suppressed_group_does_not_block_others() -> None:
    groups = {"all": frozenset(range(20)), "tiny": frozenset(range(3)), "half": frozenset(range(10))}
    decisions = decide(groups, default_priority(groups, "all"))
    assert [decisions[key].published for key in ("all", "tiny", "half")] == [True, False, True]


population = st.sets(st.integers(min_value=0, max_value=40), min_size=0, max_size=40)


@settings(max_examples=300)
@given(st.lists(population, min_size=1, max_size=12), st.data())
def test_no_published_figure_rests_on_fewer_than_k_or_differs_from_another_by_1_to_k_minus_1(
    sets: list[set[int]], data: st.DataObject
) -> None:
    groups = {f"g{index}": frozenset(members) for index, members in enumerate(sets)}
    priority = data.draw(st.permutations(sorted(groups)))
    decisions = decide(groups, priority)
    published = [groups[key] for key in priority if decisions[key].published]
    for members in published:
        assert len(members) >= K_ANONYMITY
    for index, first in enumerate(published):
        for second in published[index + 1 :]:
            assert not 1 <= len(first ^ second) <= K_ANONYMITY - 1


@given(st.lists(population, min_size=1, max_size=8))
def test_the_first_group_is_published_whenever_it_is_large_enough(sets: list[set[int]]) -> None:
    groups = {f"g{index}": frozenset(members) for index, members in enumerate(sets)}
    decisions = decide(groups, default_priority(groups, "g0"))
    assert decisions["g0"].published == (len(groups["g0"]) >= K_ANONYMITY)
