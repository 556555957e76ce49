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


class MemberIndex:
    """Bit positions of members, so that a member set is one integer (bit mask)."""

    def __init__(self) -> None:
        self.positions: dict[Hashable, int] = {}
        self.members: list[Hashable] = []
        self._masks: dict[frozenset[Hashable], int] = {}

    def mask(self, members: frozenset[Hashable]) -> int:
        cached = self._masks.get(members)
        if cached is not None:
            return cached
        positions = self.positions
        for member in members - positions.keys():
            positions[member] = len(self.members)
            self.members.append(member)
        bits = bytearray(len(self.members) // 8 + 1)
        for member in members:
            position = positions[member]
            bits[position >> 3] |= 1 << (position & 7)
        self._masks[members] = result = int.from_bytes(bits, "little")
        return result


class Atoms:
    """The partition of members by which published sets they belong to (members in none are left
    out: nothing published describes them). Each atom is a bit mask over a :class:`MemberIndex`,
    so refining by a set of 1,000 members is a few integer operations per atom."""

    def __init__(self, sets: Iterable[frozenset[Hashable]] = (), index: MemberIndex | None = None) -> None:
        self.index = index or MemberIndex()
        self.atoms: list[int] = []
        for members in sets:
            self.add_mask(self.index.mask(members))

    def _refined(self, mask: int) -> list[int]:
        covered = 0
        atoms = []
        for atom in self.atoms:
            covered |= atom
            atoms += [part for part in (atom & mask, atom & ~mask) if part]
        if mask & ~covered:
            atoms.append(mask & ~covered)
        return atoms

    def sizes(self) -> list[int]:
        return [atom.bit_count() for atom in self.atoms]

    def smallest(self) -> int:
        return min(self.sizes(), default=0)

    def admits_mask(self, mask: int, k: int) -> bool:
        """Whether every atom keeps at least ``k`` members with the set ``mask`` published too."""
        return all(atom.bit_count() >= k for atom in self._refined(mask))

    def add_mask(self, mask: int) -> None:
        self.atoms = self._refined(mask)

    def admits(self, members: frozenset[Hashable], k: int) -> bool:
        return self.admits_mask(self.index.mask(members), k)

    def add(self, members: frozenset[Hashable]) -> None:
        self.add_mask(self.index.mask(members))

    @property
    def labels(self) -> dict[Hashable, int]:
        """Member → the number of its atom (1, 2, …)."""
        result = {}
        for label, atom in enumerate(self.atoms, start=1):
            while atom:
                low = atom & -atom
                result[self.index.members[low.bit_length() - 1]] = label
                atom ^= low
        return result


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
    index = MemberIndex()
    return decide_masks(
        {key: index.mask(members) for key, members in groups.items()},
        priority,
        k,
        [index.mask(members) for members in prior],
        {key: index.mask(members) for key, members in (carried or {}).items()},
        index,
    )


def decide_masks(
    groups: Mapping[GroupKey, int],
    priority: Sequence[GroupKey],
    k: int,
    prior: Sequence[int],
    carried: Mapping[GroupKey, int],
    index: MemberIndex,
) -> dict[GroupKey, Decision]:
    """:func:`decide` over member sets given as bit masks of ``index`` (cheap to derive: a figure's
    set is its group's mask without the members lacking a value, ``group & ~missing``)."""
    atoms = Atoms(index=index)
    for mask in prior:
        atoms.add_mask(mask)
    decisions: dict[GroupKey, Decision] = {}
    for key in priority:
        members = groups[key]
        earlier = carried.get(key)
        if members.bit_count() < k:
            decisions[key] = Decision(False, "too-few")
        elif atoms.admits_mask(members, k):
            decisions[key] = Decision(True, "published")
            atoms.add_mask(members)
        elif earlier is not None and atoms.admits_mask(earlier, k):
            decisions[key] = Decision(True, "carried")
            atoms.add_mask(earlier)
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
