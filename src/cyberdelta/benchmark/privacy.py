"""Which peer-group figures may be published without exposing one firm (docs/benchmark.md,
"Disclosure control").

Two rules, with k = 5 (Hundepool et al., *Statistical Disclosure Control*, 2012, §4.2 and §5.4
"disclosure by differencing"):

* **Threshold.** A figure computed from fewer than k organisations is suppressed ("not enough
  peers").
* **Differencing, over every combination.** A reader holding the published figures of several
  groups can combine their member sets with any union, intersection and difference, within one
  publication and across the publications of the cycle. Every such combination is a union of
  *atoms*: the sets of firms that belong to exactly the same published sets. So the rule is that
  every non-empty atom holds at least k firms; then any combination a reader forms has 0 or at
  least k firms. (The pairwise rule, "two groups differ by 0 or at least k", is the special case of
  two sets.)

Groups are considered in priority order (the whole industry first, then larger groups before
smaller ones), and a group is published only when the atoms stay at least k with it added; a
suppressed group therefore never blocks another. The member sets of earlier publications of the
cycle count as already published. A group blocked only because its members changed by fewer than
k firms since an earlier publication may keep that publication's figure (*carried*): its member
set is one the reader already has, so it adds no atom.

Members are submissions (organisation and revision), so a firm that resubmits a changed
assessment is a different member: publishing the old and the new sets would isolate the change.
The contributing set of a figure is the group's members that have a value for it (a control
answered N/A by a firm has no value from that firm), so the rules are applied per figure.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K_ANONYMITY = 5

GroupKey = TypeVar("GroupKey", bound=Hashable)


@dataclass(frozen=True)
class Decision:
    published: bool
    reason: str  # "published", "carried", "too-few" or "differencing"


class Atoms:
    """The partition of members by which published sets they belong to (members in none are left
    out: nothing published describes them)."""

    def __init__(self, sets: Iterable[frozenset[Hashable]] = ()) -> None:
        self.labels: dict[Hashable, int] = {}
        self._next = 1
        for members in sets:
            self.labels = self._refined(members)

    def _refined(self, members: frozenset[Hashable]) -> dict[Hashable, int]:
        mapping: dict[tuple[int, bool], int] = {}
        labels: dict[Hashable, int] = {}
        for member in self.labels.keys() | members:
            key = (self.labels.get(member, 0), member in members)
            if key not in mapping:
                mapping[key] = self._next
                self._next += 1
            labels[member] = mapping[key]
        return labels

    def sizes(self) -> list[int]:
        counts: dict[int, int] = {}
        for label in self.labels.values():
            counts[label] = counts.get(label, 0) + 1
        return list(counts.values())

    def smallest(self) -> int:
        return min(self.sizes(), default=0)

    def admits(self, members: frozenset[Hashable], k: int) -> bool:
        """Whether every atom keeps at least ``k`` members with ``members`` published too."""
        labels = self._refined(members)
        counts: dict[int, int] = {}
        for label in labels.values():
            counts[label] = counts.get(label, 0) + 1
        return all(count >= k for count in counts.values())

    def add(self, members: frozenset[Hashable]) -> None:
        self.labels = self._refined(members)


def decide(
    groups: Mapping[GroupKey, frozenset[Hashable]],
    priority: Sequence[GroupKey],
    k: int = K_ANONYMITY,
    prior: Sequence[frozenset[Hashable]] = (),
    carried: Mapping[GroupKey, frozenset[Hashable]] | None = None,
) -> dict[GroupKey, Decision]:
    """Publish or suppress each group's figure. ``priority`` lists every key of ``groups``, most
    important first; ``groups`` maps a key to the members contributing to the figure; ``prior``
    holds the member sets of this figure already published earlier in the cycle and ``carried``
    the set each group had when its figure was last published."""
    if set(priority) != set(groups):
        raise ValueError("priority must list every group exactly once")
    atoms = Atoms(prior)
    decisions: dict[GroupKey, Decision] = {}
    for key in priority:
        members = groups[key]
        earlier = (carried or {}).get(key)
        if len(members) < k:
            decisions[key] = Decision(False, "too-few")
        elif atoms.admits(members, k):
            decisions[key] = Decision(True, "published")
            atoms.add(members)
        elif earlier is not None and atoms.admits(earlier, k):
            decisions[key] = Decision(True, "carried")
            atoms.add(earlier)
        else:
            decisions[key] = Decision(False, "differencing")
    return decisions


def default_priority(
    groups: Mapping[GroupKey, frozenset[Hashable]], first: GroupKey | None = None
) -> list[GroupKey]:
    """``first`` (the all-exchanges group) and then larger groups before smaller ones; ties keep a
    stable order by key text so the outcome does not depend on dictionary order."""
    rest = sorted((key for key in groups if key != first), key=lambda key: (-len(groups[key]), str(key)))
    return ([first] if first is not None and first in groups else []) + rest
