"""Which peer-group figures may be published without exposing one firm (docs/benchmark.md, "What is
computed").

Two rules, with k = 5:

* **Threshold.** A figure computed from fewer than k organisations is suppressed ("not enough
  peers").
* **Differencing.** Publishing the same figure for two groups whose member sets differ by 1 to
  k−1 organisations would let a reader subtract one from the other and learn about those few
  firms. So among the groups published for one figure, every pair's symmetric difference is either
  empty (the same firms, the same numbers) or at least k.

Groups are considered in priority order (the whole industry first, then larger groups before
smaller ones) and a group is published only when it keeps both rules against every group
published before it; a suppressed group therefore never blocks another.

The contributing set of a figure is the group's members that have a value for it (a control
answered N/A by a firm has no value from that firm), so the rules are applied per figure, not
only per group.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K_ANONYMITY = 5

GroupKey = TypeVar("GroupKey", bound=Hashable)


@dataclass(frozen=True)
class Decision:
    published: bool
    reason: str  # "published", "too-few" or "differencing"


def decide(
    groups: Mapping[GroupKey, frozenset[Hashable]],
    priority: Sequence[GroupKey],
    k: int = K_ANONYMITY,
) -> dict[GroupKey, Decision]:
    """Publish or suppress each group's figure. ``priority`` lists every key of ``groups``, most
    important first; ``groups`` maps a key to the organisations contributing to the figure."""
    if set(priority) != set(groups):
        raise ValueError("priority must list every group exactly once")
    return decide_by_counts(
        {key: len(members) for key, members in groups.items()},
        lambda first, second: len(groups[first] ^ groups[second]),
        priority,
        k,
    )


def decide_by_counts(
    sizes: Mapping[GroupKey, int],
    distance: Callable[[GroupKey, GroupKey], int],
    priority: Sequence[GroupKey],
    k: int = K_ANONYMITY,
) -> dict[GroupKey, Decision]:
    """The same rules given only each group's size and the size of the symmetric difference of two
    groups (``distance``), so that a caller holding thousands of figures over the same groups can
    compute both cheaply (see :mod:`cyberdelta.benchmark.compute`)."""
    decisions: dict[GroupKey, Decision] = {}
    published: list[GroupKey] = []
    for key in priority:
        if sizes[key] < k:
            decisions[key] = Decision(False, "too-few")
        elif not all(distance(key, other) == 0 or distance(key, other) >= k for other in published):
            decisions[key] = Decision(False, "differencing")
        else:
            decisions[key] = Decision(True, "published")
            published.append(key)
    return decisions


def default_priority(
    groups: Mapping[GroupKey, frozenset[Hashable]], first: GroupKey | None = None
) -> list[GroupKey]:
    """``first`` (the all-exchanges group) and then larger groups before smaller ones; ties keep a
    stable order by key text so the outcome does not depend on dictionary order."""
    rest = sorted((key for key in groups if key != first), key=lambda key: (-len(groups[key]), str(key)))
    return ([first] if first is not None and first in groups else []) + rest
