"""Scores of a self-assessment, as pure functions (docs/assessment.md, "Scoring").

* Maturity scale 0–5 (:data:`MATURITY_LEVELS`).
* Domain score = mean of the maturities of the domain's *applicable, answered* controls, weighted
  by each control's catalog ``weight``; a domain whose controls are all N/A has no score (``None``).
* Overall score = mean of the domain scores weighted by the domain weight (1.0 unless the caller
  gives one); domains without a score drop out.
* N/A controls drop out of every mean, so declaring a control N/A never scores lower than
  answering it 0 (docs/assessment.md, "Scoring": "N/A controls drop out").
* Unanswered controls are left out of the provisional score shown while drafting, and block
  submission (:func:`unanswered`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MATURITY_MIN = 0
MATURITY_MAX = 5
MATURITY_LEVELS = tuple(range(MATURITY_MIN, MATURITY_MAX + 1))
BASELINE_MATURITY = 3
"""docs/assessment.md, "Scoring": a ``basic`` control below 3 ("defined and implemented organisation-wide")
is a baseline gap."""


@dataclass(frozen=True)
class ControlSpec:
    """What scoring needs to know about a catalog control."""

    control_id: str
    domain: str
    level: str | None = None
    weight: float = 1.0

    @property
    def basic(self) -> bool:
        return self.level == "basic"


@dataclass(frozen=True)
class Answer:
    """One response: a maturity 0–5, or not applicable (N/A); ``None`` maturity = not yet answered."""

    maturity: int | None = None
    not_applicable: bool = False

    @property
    def answered(self) -> bool:
        return self.not_applicable or self.maturity is not None


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Σ wᵢ·xᵢ / Σ wᵢ over ``(value, weight)`` pairs with a positive weight; ``None`` when there are none."""
    total = 0.0
    weight_sum = 0.0
    for value, weight in pairs:
        if weight > 0:
            total += value * weight
            weight_sum += weight
    if weight_sum == 0:
        return None
    # Rounding error can push a mean of values in [0, 5] a hair outside; clamp to the inputs' range.
    return min(max(total / weight_sum, MATURITY_MIN), MATURITY_MAX)


def domain_scores(controls: Iterable[ControlSpec], answers: Mapping[str, Answer]) -> dict[str, float | None]:
    """Score of every domain that has controls (``None`` when nothing applicable is answered)."""
    pairs: dict[str, list[tuple[float, float]]] = {}
    for control in controls:
        bucket = pairs.setdefault(control.domain, [])
        answer = answers.get(control.control_id)
        if answer is None or answer.not_applicable or answer.maturity is None:
            continue
        bucket.append((float(answer.maturity), control.weight))
    return {domain: weighted_mean(items) for domain, items in pairs.items()}


def overall_score(
    scores: Mapping[str, float | None], domain_weights: Mapping[str, float] | None = None
) -> float | None:
    """Weighted mean of the domain scores; domains without a score drop out."""
    weights = domain_weights or {}
    return weighted_mean(
        (score, weights.get(domain, 1.0)) for domain, score in scores.items() if score is not None
    )


def unanswered(controls: Iterable[ControlSpec], answers: Mapping[str, Answer]) -> list[str]:
    """Control ids still without a maturity or N/A: while any remain, the assessment cannot be submitted."""
    result = []
    for control in controls:
        answer = answers.get(control.control_id)
        if answer is None or not answer.answered:
            result.append(control.control_id)
    return result


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else (100 * self.answered) // self.total


def progress(controls: Iterable[ControlSpec], answers: Mapping[str, Answer]) -> dict[str, Progress]:
    """Answered / total per domain; the key ``""`` holds the whole assessment."""
    counts: dict[str, list[int]] = {"": [0, 0]}
    for control in controls:
        answer = answers.get(control.control_id)
        done = int(answer is not None and answer.answered)
        for key in ("", control.domain):
            bucket = counts.setdefault(key, [0, 0])
            bucket[0] += done
            bucket[1] += 1
    return {key: Progress(answered=value[0], total=value[1]) for key, value in counts.items()}
