"""The timeline rules of a TLPT, per framework (docs/tlpt.md, "Timeline rules"), and the schedule they
give an engagement.

Commission Delegated Regulation (EU) 2025/1190 (the RTS on TLPT under DORA Art. 26(11)):

* Art. 9(2): the TLPT initiation information within 3 months of the authority's notification;
* Art. 11(5): active red-team testing of at least 12 weeks; Art. 11(7)-(8): the testers report to the
  control team and the test managers during it (weekly, as TIBER-EU asks);
* Art. 12(2): the red-team test report within 4 weeks of the end of active testing;
* Art. 12(4): the blue-team test report no later than 10 weeks after the end of active testing;
* Art. 12(5): replay and purple teaming no later than 10 weeks after the end of active testing;
* Art. 12(6): the test summary report within 8 weeks of the authority confirming both reports;
* Art. 13(1): the remediation plan within 8 weeks of the notification that the summary is approved;
* DORA Art. 26(7): the attestation that the test was performed (no deadline).

TIBER-EU (ECB, 2025 revision, aligned with the RTS: RTS recital 1) keeps those closure deadlines;
the durations of provider selection, threat intelligence and the test plan are planning values of
the framework record, not law. ``authority`` is the authority's own framework: every value is set
when the engagement is opened. The values in force are stored with each engagement.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

from cyberdelta.tlpt.errors import TlptError, _

PHASES: Final[tuple[str, ...]] = (
    "scoping",
    "provider_selection",
    "threat_intelligence",
    "red_team_plan",
    "active_red_teaming",
    "red_team_report",
    "blue_team_report",
    "replay_purple",
    "test_summary",
    "remediation_plan",
    "attestation",
)
CLOSED: Final = "closed"

Kind = Literal["months_after_notification", "planned_weeks", "minimum_weeks", "weeks_after", "none"]


@dataclass(frozen=True)
class Rule:
    """How a phase's deadline is computed: ``parameter`` names the value in the rules."""

    phase: str
    kind: Kind
    parameter: str | None
    anchors: tuple[str, ...]
    source: str
    regulatory: bool


RULES: Final[tuple[Rule, ...]] = (
    Rule("scoping", "months_after_notification", "preparation_months", (), "RTS 2025/1190 Art. 9(2)", True),
    Rule(
        "provider_selection",
        "planned_weeks",
        "provider_selection_weeks",
        (),
        "RTS 2025/1190 Art. 9(4)(e)-(f), 7",
        False,
    ),
    Rule(
        "threat_intelligence",
        "planned_weeks",
        "threat_intelligence_weeks",
        (),
        "RTS 2025/1190 Art. 10",
        False,
    ),
    Rule("red_team_plan", "planned_weeks", "red_team_plan_weeks", (), "RTS 2025/1190 Art. 11(1)-(3)", False),
    Rule("active_red_teaming", "minimum_weeks", "active_minimum_weeks", (), "RTS 2025/1190 Art. 11(5)", True),
    Rule(
        "red_team_report",
        "weeks_after",
        "red_team_report_weeks",
        ("active_red_teaming",),
        "RTS 2025/1190 Art. 12(2)",
        True,
    ),
    Rule(
        "blue_team_report",
        "weeks_after",
        "blue_team_report_weeks",
        ("active_red_teaming",),
        "RTS 2025/1190 Art. 12(4)",
        True,
    ),
    Rule(
        "replay_purple",
        "weeks_after",
        "replay_weeks",
        ("active_red_teaming",),
        "RTS 2025/1190 Art. 12(5)",
        True,
    ),
    Rule(
        "test_summary",
        "weeks_after",
        "summary_weeks",
        ("red_team_report", "blue_team_report"),
        "RTS 2025/1190 Art. 12(6)",
        True,
    ),
    Rule(
        "remediation_plan",
        "weeks_after",
        "remediation_weeks",
        ("test_summary",),
        "RTS 2025/1190 Art. 13(1)",
        True,
    ),
    Rule("attestation", "none", None, (), "DORA Art. 26(7)", False),
)
RULE_OF: Final[Mapping[str, Rule]] = {rule.phase: rule for rule in RULES}

RTS_VALUES: Final[Mapping[str, int]] = {
    "preparation_months": 3,
    "provider_selection_weeks": 4,
    "threat_intelligence_weeks": 5,
    "red_team_plan_weeks": 2,
    "active_minimum_weeks": 12,
    "red_team_report_weeks": 4,
    "blue_team_report_weeks": 10,
    "replay_weeks": 10,
    "summary_weeks": 8,
    "remediation_weeks": 8,
}
PARAMETERS: Final[tuple[str, ...]] = tuple(RTS_VALUES)
FRAMEWORKS: Final[Mapping[str, Mapping[str, int]]] = {
    "rts": RTS_VALUES,
    "tiber_eu": {**RTS_VALUES, "threat_intelligence_weeks": 6, "red_team_plan_weeks": 3},
    "authority": RTS_VALUES,
}


def rules_for(framework: str, values: Mapping[str, int] | None = None) -> dict[str, int]:
    """The values of ``framework``; only the authority's own framework takes ``values`` (each a whole
    number of weeks or months from 1 to 104). Unknown frameworks and values are refused by name."""
    if framework not in FRAMEWORKS:
        raise TlptError(_("Unknown framework %(value)s."), field="framework", value=framework)
    rules = dict(FRAMEWORKS[framework])
    for name, value in (values or {}).items():
        if name not in rules:
            raise TlptError(_("Unknown timeline rule."), field=name)
        if framework != "authority" and value != rules[name]:
            raise TlptError(_("Only the authority's own framework changes the timeline rules."), field=name)
        if not 1 <= value <= 104:
            raise TlptError(_("A timeline rule is a whole number from 1 to 104."), field=name)
        rules[name] = value
    return rules


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Scheduled:
    """A phase on the timeline: ``due`` is its deadline (for active red teaming the earliest end),
    computed from the actual end of earlier phases where known, else from their projected end."""

    phase: str
    starts: date
    due: date | None
    completed: date | None
    rule: Rule

    @property
    def end(self) -> date:
        """When the phase ended, or is projected to end."""
        return self.completed or self.due or self.starts


def schedule(
    rules: Mapping[str, int],
    notified_on: date,
    completed: Mapping[str, date],
    planned: Mapping[str, date] | None = None,
) -> list[Scheduled]:
    """Every phase with its start and deadline, in order."""
    planned = planned or {}
    found: dict[str, Scheduled] = {}
    previous_end = notified_on
    for rule in RULES:
        starts = previous_end
        due: date | None
        if rule.kind == "months_after_notification":
            due = add_months(notified_on, rules[str(rule.parameter)])
        elif rule.kind in ("planned_weeks", "minimum_weeks"):
            due = starts + timedelta(weeks=rules[str(rule.parameter)])
        elif rule.kind == "weeks_after":
            due = max(found[anchor].end for anchor in rule.anchors) + timedelta(
                weeks=rules[str(rule.parameter)]
            )
        else:
            due = None
        if rule.phase in planned:
            due = planned[rule.phase]
        item = Scheduled(rule.phase, starts, due, completed.get(rule.phase), rule)
        found[rule.phase] = item
        previous_end = max(item.end, starts)
    return list(found.values())


def weekly_reports(active: Scheduled) -> list[date]:
    """The weekly reports due during active red teaming (RTS Art. 11; TIBER-EU weekly updates)."""
    end = active.completed or active.due or active.starts
    count = (end - active.starts).days // 7
    return [active.starts + timedelta(weeks=week) for week in range(1, count + 1)]


def latest_allowed(
    rules: Mapping[str, int], item: Scheduled, notified_on: date, plan: list[Scheduled]
) -> date | None:
    """The regulatory deadline of ``item`` computed without any planned date, or None."""
    if not item.rule.regulatory or item.rule.kind == "minimum_weeks":
        return None
    unplanned = {
        s.phase: s for s in schedule(rules, notified_on, {s.phase: s.completed for s in plan if s.completed})
    }
    return unplanned[item.phase].due
