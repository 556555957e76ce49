"""What a cycle has published so far, as a reader holds it (docs/benchmark.md, "Disclosure control").

Each publication keeps a *record*: who contributed (the members, organisation and revision, with
their peer groups; and per figure the members without a value), and every number it published.
The differencing rule reads the member sets of earlier publications, and the reconstruction audit
(:mod:`cyberdelta.benchmark.reconstruction`) bounds every firm's value from all records together.

Record format (JSON)::

    {"members": {"12:1": ["all", "custody:small", ...]},
     "missing": {"control|gv-1": ["12:1"]},
     "figures": [{"group": "all", "scope": "overall", "key": "overall", "count": 12,
                  "quantiles": {"50": [3.1, null]}, "gap_share": [40.0, null], "set_of": 1}]}

A coded number is ``[value, coding]`` (:class:`cyberdelta.benchmark.disclosure.Coded`); ``set_of``
is the publication whose member set the figure describes (an earlier one for a carried figure).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cyberdelta.benchmark.disclosure import Coded

FigureKey = tuple[str, str]  # (scope, key)


def figure_token(scope: str, key: str) -> str:
    return f"{scope}|{key}"


@dataclass(frozen=True)
class PublishedFigure:
    """One published figure: its numbers and whose values it describes."""

    number: int  # the publication whose member set it describes
    group: str
    scope: str
    key: str
    count: int
    quantiles: Mapping[int, Coded]
    gap_share: Coded | None

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "scope": self.scope,
            "key": self.key,
            "count": self.count,
            "quantiles": {str(q): [c.value, c.coding] for q, c in self.quantiles.items()},
            "gap_share": None if self.gap_share is None else [self.gap_share.value, self.gap_share.coding],
            "set_of": self.number,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PublishedFigure:
        share = data.get("gap_share")
        return cls(
            number=int(data["set_of"]),
            group=str(data["group"]),
            scope=str(data["scope"]),
            key=str(data["key"]),
            count=int(data["count"]),
            quantiles={int(q): Coded(float(v), c) for q, (v, c) in data["quantiles"].items()},
            gap_share=None if share is None else Coded(float(share[0]), share[1]),
        )


@dataclass
class Record:
    """One publication: its number, its members and what it published."""

    number: int
    members: dict[str, list[str]]
    missing: dict[str, list[str]]
    figures: list[PublishedFigure] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "missing": self.missing,
            "figures": [figure.as_json() for figure in self.figures],
        }

    @classmethod
    def from_json(cls, number: int, data: Mapping[str, Any]) -> Record:
        return cls(
            number=number,
            members={str(m): list(g) for m, g in data.get("members", {}).items()},
            missing={str(t): list(m) for t, m in data.get("missing", {}).items()},
            figures=[PublishedFigure.from_json(item) for item in data.get("figures", [])],
        )

    @cached_property
    def group_members(self) -> dict[str, frozenset[str]]:
        result: dict[str, set[str]] = {}
        for member, groups in self.members.items():
            for group in groups:
                result.setdefault(group, set()).add(member)
        return {group: frozenset(members) for group, members in result.items()}

    def contributors(self, group: str, scope: str, key: str) -> frozenset[str]:
        """The members whose values the figure of ``group`` for (scope, key) describes (the same
        object for the same figure, so callers may cache by it)."""
        token = figure_token(scope, key)
        missing = self.missing.get(token)
        members = self.group_members.get(group, frozenset())
        if not missing:
            return members
        cache = self.__dict__.setdefault("_contributors", {})
        if (group, token) not in cache:
            cache[(group, token)] = members - frozenset(missing)
        result: frozenset[str] = cache[(group, token)]
        return result


class History:
    """The records of a cycle's earlier publications, indexed for the differencing rule."""

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self.records = {record.number: record for record in records}
        self._published: dict[FigureKey, list[PublishedFigure]] = {}
        for number in sorted(self.records):
            for figure in self.records[number].figures:
                self._published.setdefault((figure.scope, figure.key), []).append(figure)

    def contributors(self, figure: PublishedFigure) -> frozenset[str]:
        return self.records[figure.number].contributors(figure.group, figure.scope, figure.key)

    def published(self, scope: str, key: str) -> Sequence[PublishedFigure]:
        return self._published.get((scope, key), ())

    def signature(self, scope: str, key: str) -> tuple[object, ...]:
        """Equal for two figures whose earlier member sets are the same (decisions may be shared)."""
        token = figure_token(scope, key)
        return tuple(
            (figure.number, figure.group, tuple(self.records[figure.number].missing.get(token, ())))
            for figure in self.published(scope, key)
        )

    def prior_sets(self, scope: str, key: str) -> list[frozenset[str]]:
        return list(dict.fromkeys(self.contributors(figure) for figure in self.published(scope, key)))

    def last(self, scope: str, key: str) -> dict[str, PublishedFigure]:
        """Per group, the figure it showed last (the one a blocked group may carry)."""
        return {figure.group: figure for figure in self.published(scope, key)}
