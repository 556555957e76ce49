"""Which NIST CSF 2.0 subcategories a firm's answers cover (docs/assessment.md, "CSF 2.0 coverage").

The catalog says which subcategories each control covers (its own props and links, and the
mapping collections imported for it: :func:`cyberdelta.catalog.mappings.csf_crosswalk`). Each
control of the assessment is *met* (answered, no gap: :mod:`cyberdelta.assessment.gaps`), a
*gap* (answered below its baseline or target), *not answered*, or not applicable. A subcategory
is then, over its applicable controls:

* **met** — every one is met;
* **partly** — some are met, not all;
* **gap** — some are answered, none is met;
* **not answered** — none is answered;
* **not applicable** — every control mapped to it is N/A; **not mapped** — no control covers it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from cyberdelta.assessment import service
from cyberdelta.assessment.gaps import find_gaps
from cyberdelta.assessment.models import Assessment
from cyberdelta.assessment.scoring import Answer, ControlSpec
from cyberdelta.catalog.csf import CsfCore, CsfItem, csf_core
from cyberdelta.catalog.mappings import csf_crosswalk
from cyberdelta.platform.i18n import gettext


class Coverage(StrEnum):
    MET = "met"
    PARTLY = "partly"
    GAP = "gap"
    UNANSWERED = "not answered"
    NOT_APPLICABLE = "not applicable"
    UNMAPPED = "not mapped"

    @property
    def label(self) -> str:
        """The status in the reader's language."""
        labels = {
            Coverage.MET: gettext("met"),
            Coverage.PARTLY: gettext("partly"),
            Coverage.GAP: gettext("gap"),
            Coverage.UNANSWERED: gettext("not answered"),
            Coverage.NOT_APPLICABLE: gettext("not applicable"),
            Coverage.UNMAPPED: gettext("not mapped"),
        }
        return labels[self]


@dataclass(frozen=True)
class ControlState:
    control_id: str
    label: str
    state: Coverage


@dataclass(frozen=True)
class SubcategoryCoverage:
    subcategory: CsfItem
    status: Coverage
    controls: tuple[ControlState, ...]


@dataclass(frozen=True)
class CategoryCoverage:
    category: CsfItem
    function: CsfItem
    rows: tuple[SubcategoryCoverage, ...]


@dataclass(frozen=True)
class CsfCoverage:
    categories: tuple[CategoryCoverage, ...]
    counts: Mapping[Coverage, int]


def control_state(control_id: str, answers: Mapping[str, Answer], gaps: set[str]) -> Coverage:
    answer = answers.get(control_id)
    if answer is not None and answer.not_applicable:
        return Coverage.NOT_APPLICABLE
    if answer is None or answer.maturity is None:
        return Coverage.UNANSWERED
    return Coverage.GAP if control_id in gaps else Coverage.MET


def subcategory_status(states: Sequence[Coverage]) -> Coverage:
    if not states:
        return Coverage.UNMAPPED
    applicable = [state for state in states if state is not Coverage.NOT_APPLICABLE]
    if not applicable:
        return Coverage.NOT_APPLICABLE
    met = sum(state is Coverage.MET for state in applicable)
    if met == len(applicable):
        return Coverage.MET
    if met:
        return Coverage.PARTLY
    if any(state is Coverage.GAP for state in applicable):
        return Coverage.GAP
    return Coverage.UNANSWERED


def coverage(
    core: CsfCore,
    crosswalk: Mapping[str, Sequence[str]],
    specs: Sequence[ControlSpec],
    labels: Mapping[str, str],
    answers: Mapping[str, Answer],
    gaps: set[str],
) -> CsfCoverage:
    """The coverage of every CSF 2.0 subcategory by the assessment's controls (pure)."""
    by_subcategory: dict[str, list[str]] = {}
    for spec in specs:
        for covered in crosswalk.get(spec.control_id, ()):
            by_subcategory.setdefault(covered, []).append(spec.control_id)
    functions = {item.id: item for item in core.functions}
    categories = []
    counts: Counter[Coverage] = Counter()
    for category in core.categories:
        rows = []
        for subcategory in core.subcategories_of(category.id):
            states = tuple(
                ControlState(
                    control_id, labels.get(control_id, control_id), control_state(control_id, answers, gaps)
                )
                for control_id in by_subcategory.get(subcategory.id, [])
            )
            status = subcategory_status([state.state for state in states])
            counts[status] += 1
            rows.append(SubcategoryCoverage(subcategory, status, states))
        categories.append(CategoryCoverage(category, functions[category.parent or ""], tuple(rows)))
    return CsfCoverage(tuple(categories), dict(counts))


def csf_coverage(session: Session, assessment: Assessment) -> CsfCoverage:
    """The assessment's CSF 2.0 coverage, from its catalog version and its current answers."""
    view = service.view_of(session, assessment)
    result = service.summary(session, assessment, view)
    responses = service.responses_of(session, assessment)
    answers = service.answers_of(responses)
    overrides = {
        key: row.target_override for key, row in responses.items() if row.target_override is not None
    }
    gaps = {
        gap.control_id for gap in find_gaps(view.specs, answers, result.targets, result.ratings, overrides)
    }
    labels = {control.control_id: control.label for control in view.controls}
    crosswalk = csf_crosswalk(session, assessment.cycle.catalog_version_id)
    return coverage(csf_core(), crosswalk, view.specs, labels, answers, gaps)
