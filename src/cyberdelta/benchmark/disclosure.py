"""How a published number is derived so that it describes no single firm (docs/benchmark.md,
"Disclosure control").

The rules, with their sources (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012,
§4.2 "threshold rule", §4.3 "top and bottom coding", §5.2 "microaggregation"):

* **Threshold**: a figure needs at least ``k`` contributing firms (:mod:`cyberdelta.benchmark.privacy`).
* **Neighbour-mean percentiles**: a percentile is published as the mean of the ``k`` order
  statistics nearest to its type-7 position (Hyndman & Fan 1996), never as one firm's value nor as
  a function of fewer than ``k`` values; and only in a group large enough that this window does not
  sit on the group's edge: the median from ``k`` firms, p25/p75 from ``2k``, p10/p90 from ``4k``.
* **Rounding** to a published precision (0.1 maturity point, 10 percentage points for shares).
* **Top and bottom coding**: a score above ``5 − w`` is published as "``5 − w`` or more", one below
  ``w`` as "``w`` or less" (``w`` the audit width, 1.0), and a share likewise at ``w`` and ``100 − w``
  (20 points), because a figure close to the end of the scale pins the firms beyond it there.
* **Coarse rank**: a firm sees its percentile rank as a band (quintile in a group of 25 or more,
  fewer bands in smaller groups, one band under ``2k`` firms), so every band holds at least ``k``
  firms' positions.

Pure functions; the reconstruction audit (:mod:`cyberdelta.benchmark.reconstruction`) bounds what
the numbers made here imply.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from cyberdelta.assessment.scoring import MATURITY_MAX, MATURITY_MIN

QUANTILES = (10, 25, 50, 75, 90)
QUANTILE_FIELDS = {10: "p10", 25: "p25", 50: "median", 75: "p75", 90: "p90"}
AT_LEAST = "at-least"
AT_MOST = "at-most"


@dataclass(frozen=True)
class Rules:
    """The published parameters of the method (docs/benchmark.md, "Disclosure control")."""

    k: int = 5
    score_step: float = 0.1  # maturity points
    share_step: float = 10.0  # percentage points
    score_width: float = 1.0  # narrowest interval a firm's score may be pinned to
    share_width: float = 20.0  # the same for a share (a firm's own flag counts 0 or 100)
    new_submissions: int = 5  # submissions since the last publication that make a new one

    def minimum_group(self, q: int) -> int:
        """Group size from which percentile ``q`` is published."""
        return {50: self.k, 25: 2 * self.k, 75: 2 * self.k}.get(q, 4 * self.k)

    @property
    def score_range(self) -> tuple[float, float]:
        return float(MATURITY_MIN), float(MATURITY_MAX)


DEFAULT_RULES = Rules()


def rules_for(new_submissions: int) -> Rules:
    """The published method with ``CYBERDELTA_BENCHMARK_NEW_SUBMISSIONS`` new submissions making a
    publication (the settings refuse fewer than k)."""
    return dataclasses.replace(DEFAULT_RULES, new_submissions=max(new_submissions, DEFAULT_RULES.k))


def window(n: int, q: int, k: int) -> tuple[int, int]:
    """Indexes ``[start, start + k)`` (0-based, ascending order) of the ``k`` order statistics
    nearest to the type-7 position ``(n − 1)·q/100``, shifted inside the group when near an edge."""
    if n < k:
        raise ValueError(f"a window of {k} in a group of {n}")
    centre = (n - 1) * q / 100
    start = math.floor(centre - (k - 1) / 2 + 0.5)
    start = min(max(start, 0), n - k)
    return start, start + k


def round_to(value: float, step: float) -> float:
    """``value`` to the nearest multiple of ``step``, as the shortest decimal (no 47.82608695652174)."""
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return round(round(value / step) * step, decimals)


@dataclass(frozen=True)
class Coded:
    """A published number: its value and, when top- or bottom-coded, which way it is open."""

    value: float
    coding: str | None = None  # None, AT_LEAST or AT_MOST


def code_score(value: float, rules: Rules) -> Coded:
    low, high = rules.score_range
    rounded = round_to(value, rules.score_step)
    if rounded >= high - rules.score_width:
        return Coded(round_to(high - rules.score_width, rules.score_step), AT_LEAST)
    if rounded <= low + rules.score_width:
        return Coded(round_to(low + rules.score_width, rules.score_step), AT_MOST)
    return Coded(rounded)


def code_share(value: float, rules: Rules) -> Coded:
    rounded = round_to(value, rules.share_step)
    if rounded >= 100 - rules.share_width:
        return Coded(100 - rules.share_width, AT_LEAST)
    if rounded <= rules.share_width:
        return Coded(rules.share_width, AT_MOST)
    return Coded(rounded)


def interval(published: Coded, step: float, low: float, high: float) -> tuple[float, float]:
    """The values of the exact statistic that publish as ``published`` (what a reader may infer)."""
    half = step / 2
    if published.coding == AT_LEAST:
        return published.value - half, high
    if published.coding == AT_MOST:
        return low, published.value + half
    return max(low, published.value - half), min(high, published.value + half)


def quantiles(sorted_values: Sequence[float], rules: Rules) -> dict[int, Coded]:
    """The published percentiles of one figure (those the group is large enough for)."""
    n = len(sorted_values)
    result = {}
    for q in QUANTILES:
        if n >= rules.minimum_group(q):
            start, end = window(n, q, rules.k)
            result[q] = code_score(sum(sorted_values[start:end]) / rules.k, rules)
    return result


def bands(n: int, k: int) -> int:
    """How many rank bands a group of ``n`` is split into: each holds at least ``k`` firms, at most 5."""
    return max(1, min(5, n // k)) if n >= 2 * k else 1


def rank_band(rank: float, n: int, k: int) -> tuple[int, int]:
    """The band (lower, upper percent) holding a mid-rank percentile rank in a group of ``n``."""
    count = bands(n, k)
    index = min(count - 1, int(rank / 100 * count))
    return round(100 * index / count), round(100 * (index + 1) / count)
