"""Distribution statistics of a peer group (docs/benchmark.md, "What is computed"): type-7
percentiles, mid-rank percentile ranks and shares. Pure functions, property-tested.

Percentiles use linear interpolation between closest ranks (Hyndman & Fan type 7, the default of
NumPy and of spreadsheet ``PERCENTILE.INC``). They are not published as they are: the published
percentile is the rounded mean of the 5 values around the type-7 position and the rank is
published as a band (:mod:`cyberdelta.benchmark.disclosure`, docs/benchmark.md, "Disclosure control").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PUBLISHED_PERCENTILES = (10, 25, 50, 75, 90)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of values already sorted ascending."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0–100")
    position = (len(sorted_values) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    fraction = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * fraction


@dataclass(frozen=True)
class Distribution:
    count: int
    p10: float
    p25: float
    median: float
    p75: float
    p90: float


def distribution(values: Iterable[float]) -> Distribution:
    ordered = sorted(values)
    p10, p25, median, p75, p90 = (percentile(ordered, q) for q in PUBLISHED_PERCENTILES)
    return Distribution(len(ordered), p10, p25, median, p75, p90)


def percentile_rank(value: float, peers: Iterable[float]) -> float:
    """Share of peers below ``value`` plus half of those equal to it, in percent (mid-rank), so a
    firm tied with every peer stands at 50 and the rank never depends on the order of peers."""
    below = equal = total = 0
    for peer in peers:
        total += 1
        if peer < value:
            below += 1
        elif peer == value:
            equal += 1
    if total == 0:
        raise ValueError("percentile rank among no peers")
    return 100.0 * (below + 0.5 * equal) / total


def share(flags: Iterable[bool]) -> float:
    """Share of true flags in percent (e.g. firms with a baseline gap on a control)."""
    items = list(flags)
    if not items:
        raise ValueError("share of nothing")
    return 100.0 * sum(items) / len(items)
