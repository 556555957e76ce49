"""Publications: the only moments at which benchmark figures change (docs/benchmark.md, "Publications").

A publication computes every figure of a cycle (:func:`compute.compute`) against the cycle's
earlier publications, runs the reconstruction audit over all of them together
(:func:`reconstruction.audit`), withholds any new figure the audit finds too revealing (reason
``reconstruction``) and audits again; when the audit then passes, the figures and positions
replace the visible ones and the publication is recorded. When it still fails (a finding in what
was already published, e.g. after the rules were made stricter) nothing visible changes and the
refused attempt is recorded with the findings, which the industry view explains.

An acceptance does not by itself change what anyone sees: :func:`publish_if_due` makes a
publication only when at least ``Rules.new_submissions`` submissions are new since the last one,
or once the cycle's close date has passed and anything changed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from cyberdelta.assessment.catalog_view import catalog_view
from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark.compute import (
    FigureId,
    FirmResult,
    Outcome,
    compute,
    following_cycles,
    load_submissions,
    previous_cycle,
    score,
    yoy_populations,
)
from cyberdelta.benchmark.disclosure import DEFAULT_RULES, Rules
from cyberdelta.benchmark.history import History, Record
from cyberdelta.benchmark.models import BenchmarkFigure, BenchmarkPosition, BenchmarkPublication
from cyberdelta.benchmark.reconstruction import Audit, Finding, audit
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit as audit_trail
from cyberdelta.supervision.models import CycleSchedule

FIGURE_COLUMNS = ("count", "p10", "p25", "median", "p75", "p90", "gap_share", "coded", "carried_from")
MAX_ROUNDS = 10


@dataclass
class Publication:
    """What one call of :func:`publish` did."""

    number: int
    made: bool
    outcome: Outcome
    audit: Audit
    withheld: list[Finding] = field(default_factory=list)
    compute_seconds: float = 0.0


def records(session: Session, cycle_id: int) -> list[Record]:
    """The records of the cycle's made publications, oldest first."""
    rows = session.execute(
        select(BenchmarkPublication.number, BenchmarkPublication.record)
        .where(BenchmarkPublication.cycle_id == cycle_id, BenchmarkPublication.made.is_(True))
        .order_by(BenchmarkPublication.number)
    ).all()
    return [Record.from_json(number, record) for number, record in rows]


def latest(session: Session, cycle_id: int, made: bool | None = None) -> BenchmarkPublication | None:
    query = select(BenchmarkPublication).where(BenchmarkPublication.cycle_id == cycle_id)
    if made is not None:
        query = query.where(BenchmarkPublication.made.is_(made))
    return session.scalars(query.order_by(BenchmarkPublication.number.desc()).limit(1)).first()


def populations(session: Session, cycle: Cycle) -> list[dict[int, FirmResult]]:
    """The cycle's own values and, against a previous cycle on another catalog version, the
    year-over-year values over the comparable controls."""
    view = catalog_view(session, cycle.catalog_version_id)
    result = [score(load_submissions(session, cycle), view)]
    previous = previous_cycle(session, cycle)
    if previous is not None:
        result += yoy_populations(session, cycle, previous)
    return result


def candidate(
    cycle: Cycle, parts: list[dict[int, FirmResult]], rules: Rules, history: History, number: int
) -> Outcome:
    """Every figure of the publication, merged over the cycle's own and year-over-year values."""
    outcomes = [compute(cycle.id, part, rules, history, number) for part in parts]
    record = Record(number, {}, {})
    for outcome in outcomes:
        record.members.update(outcome.record.members)
        record.missing.update(outcome.record.missing)
        record.figures += outcome.record.figures
    figures = [row for outcome in outcomes for row in outcome.figures]
    return Outcome(figures, outcomes[0].positions, record)


def withhold(outcome: Outcome, ids: set[FigureId]) -> None:
    """Suppress the figures ``ids`` (reason ``reconstruction``): no numbers, no positions."""
    for row in outcome.figures:
        if row["published"] and (row["peer_group"], row["scope"], row["key"]) in ids:
            row["published"], row["reason"] = False, "reconstruction"
            for column in FIGURE_COLUMNS:
                row.pop(column, None)
    outcome.record.figures = [f for f in outcome.record.figures if (f.group, f.scope, f.key) not in ids]
    for position in outcome.positions:
        for group, by_key in position["ranks"].items():
            for key in [
                key for key in by_key if (group, "overall" if key == "overall" else "domain", key) in ids
            ]:
                del by_key[key]
        position["ranks"] = {group: by_key for group, by_key in position["ranks"].items() if by_key}


def settle(
    outcome: Outcome, earlier: list[Record], rules: Rules = DEFAULT_RULES
) -> tuple[Audit, list[Finding]]:
    """Audit the candidate ``outcome`` with the earlier publications, withhold every figure of it
    the audit finds, and audit again until it passes or nothing is left to withhold (pure).
    Returns the last audit (its time the sum of all rounds) and the findings that withheld figures."""
    withheld: set[FigureId] = set()
    findings: list[Finding] = []
    result = audit(History([*earlier, outcome.record]), rules)
    seconds = result.seconds
    for _round in range(MAX_ROUNDS):
        new = {(f.group, f.scope, f.key) for f in result.findings} - withheld
        if result.passed or not new:
            break
        findings += [f for f in result.findings if (f.group, f.scope, f.key) in new]
        withheld |= new
        withhold(outcome, new)
        result = audit(History([*earlier, outcome.record]), rules)
        seconds += result.seconds
    result.seconds = seconds
    return result, findings


def publish(
    session: Session,
    cycle: Cycle,
    trigger: str = "manual",
    rules: Rules = DEFAULT_RULES,
    *,
    actor: Actor | None = None,
) -> Publication:
    """Make a publication of ``cycle`` now (or record why the audit refused it); audited as
    ``benchmark.published`` or ``benchmark.publication_refused`` with ``actor`` (the platform's
    own jobs when none is given: acceptances trigger publications)."""
    started = time.perf_counter()
    earlier = records(session, cycle.id)
    number = (session.scalar(select(func.max(BenchmarkPublication.number)).where(
        BenchmarkPublication.cycle_id == cycle.id)) or 0) + 1  # fmt: skip
    parts = populations(session, cycle)
    outcome = candidate(cycle, parts, rules, History(earlier), number)
    compute_seconds = time.perf_counter() - started
    result, withheld_findings = settle(outcome, earlier, rules)
    made = result.passed
    started_store = time.perf_counter()
    if made:
        _store(session, cycle, outcome)
    session.add(
        BenchmarkPublication(
            cycle_id=cycle.id,
            number=number,
            made=made,
            trigger=trigger,
            submissions=len(parts[0]),
            record=outcome.record.as_json() if made else {},
            findings=[f.as_json() for f in (withheld_findings if made else result.findings)],
            audit_seconds=result.seconds,
        )
    )
    session.flush()
    audit_trail(
        session,
        actor or Actor.job(),
        "benchmark.published" if made else "benchmark.publication_refused",
        object_type="assessment_cycle",
        object_id=cycle.id,
        details={
            "number": number,
            "trigger": trigger,
            "submissions": len(parts[0]),
            "published": sum(1 for row in outcome.figures if row["published"]) if made else 0,
            "findings": len(withheld_findings if made else result.findings),
        },
    )
    compute_seconds += time.perf_counter() - started_store
    return Publication(number, made, outcome, result, withheld_findings, compute_seconds)


def _store(session: Session, cycle: Cycle, outcome: Outcome) -> None:
    rows: list[dict[str, Any]] = outcome.figures
    for row in rows:
        for column in FIGURE_COLUMNS:
            row.setdefault(column, None)
    session.execute(delete(BenchmarkPosition).where(BenchmarkPosition.cycle_id == cycle.id))
    session.execute(delete(BenchmarkFigure).where(BenchmarkFigure.cycle_id == cycle.id))
    if rows:
        session.execute(insert(BenchmarkFigure), rows)
    if outcome.positions:
        session.execute(insert(BenchmarkPosition), outcome.positions)


def new_submissions(session: Session, cycle: Cycle) -> int:
    """Counted submissions (organisation and revision) not in the cycle's last made publication."""
    current = {str(s.assessment_id) for s in load_submissions(session, cycle).values()}
    last = latest(session, cycle.id, made=True)
    return len(current - set((last.record if last else {}).get("members", {})))


def publish_if_due(
    session: Session, cycle: Cycle, rules: Rules = DEFAULT_RULES, today: date | None = None
) -> bool:
    """Publish when at least ``rules.new_submissions`` submissions are new since the last
    publication, or when the cycle has closed and any is; otherwise change nothing."""
    fresh = new_submissions(session, cycle)
    if fresh == 0:
        return False
    schedule = session.scalar(select(CycleSchedule).where(CycleSchedule.cycle_id == cycle.id))
    closed = schedule is not None and (today or date.today()) > schedule.closes_on
    if fresh < rules.new_submissions and not closed:
        return False
    return publish(session, cycle, "close" if closed else "submissions", rules).made


def recompute(session: Session, cycle: Cycle, rules: Rules = DEFAULT_RULES) -> Outcome:
    """Publish ``cycle`` now, and again every cycle that compares with it and has published (their
    year-over-year figures read this cycle's values)."""
    result = publish(session, cycle, "manual", rules)
    for following in following_cycles(session, cycle):
        if latest(session, following.id, made=True) is not None:
            publish(session, following, "previous-cycle", rules)
    return result.outcome
