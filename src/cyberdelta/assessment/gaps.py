"""Gap analysis feeding the improvement plan (POA&M), as pure functions (docs/assessment.md, "Scoring").

* **Baseline gap**: a ``basic`` control answered below 3, whatever the target; size ``3 − maturity``.
* **Target gap**: a control answered below its target (the response's override, else the domain's
  inherent-risk target, :mod:`cyberdelta.assessment.targets`); size ``target − maturity``.
* A control with both gets one entry of kind ``baseline`` whose size is the larger of the two.
* **Priority** = gap size × control weight × domain inherent-risk rating (1–3); ranked highest first,
  baseline gaps before target gaps at equal priority, then by control id for a stable order.
N/A and unanswered controls have no gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from cyberdelta.assessment.scoring import BASELINE_MATURITY, Answer, ControlSpec


class GapKind(StrEnum):
    BASELINE = "baseline"
    TARGET = "target"


@dataclass(frozen=True)
class Gap:
    control_id: str
    domain: str
    kind: GapKind
    current: int
    target: int
    size: int
    priority: float


def find_gaps(
    controls: Iterable[ControlSpec],
    answers: Mapping[str, Answer],
    domain_targets: Mapping[str, int],
    domain_ratings: Mapping[str, int],
    overrides: Mapping[str, int] | None = None,
) -> list[Gap]:
    """Every gap, ranked by priority (see module docstring)."""
    overrides = overrides or {}
    gaps = []
    for control in controls:
        answer = answers.get(control.control_id)
        if answer is None or answer.not_applicable or answer.maturity is None:
            continue
        current = answer.maturity
        target = overrides.get(control.control_id, domain_targets.get(control.domain, BASELINE_MATURITY))
        baseline_size = BASELINE_MATURITY - current if control.basic else 0
        target_size = target - current
        size = max(baseline_size, target_size)
        if size <= 0:
            continue
        kind = GapKind.BASELINE if baseline_size > 0 else GapKind.TARGET
        rating = domain_ratings.get(control.domain, 1)
        gaps.append(
            Gap(
                control_id=control.control_id,
                domain=control.domain,
                kind=kind,
                current=current,
                target=max(target, BASELINE_MATURITY) if kind is GapKind.BASELINE else target,
                size=size,
                priority=size * control.weight * rating,
            )
        )
    gaps.sort(key=lambda gap: (-gap.priority, gap.kind is not GapKind.BASELINE, gap.control_id))
    return gaps
