"""The timeline rules (docs/tlpt.md, "Timeline rules"): each deadline of RTS 2025/1190 computed from
the actual end of the phase it counts from, and the framework values refused where they may not
change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cyberdelta.tlpt.errors import TlptError
from cyberdelta.tlpt.frameworks import PHASES, add_months, rules_for, schedule, weekly_reports

NOTIFIED = date(2026, 1, 30)


def _by_phase(completed: dict[str, date]) -> dict[str, tuple[date, date | None]]:
    return {item.phase: (item.starts, item.due) for item in schedule(rules_for("rts"), NOTIFIED, completed)}


def test_the_rts_deadlines_count_from_the_actual_end_of_active_testing() -> None:
    ended = {
        "scoping": date(2026, 3, 2),
        "provider_selection": date(2026, 3, 30),
        "threat_intelligence": date(2026, 5, 4),
        "red_team_plan": date(2026, 5, 18),
        "active_red_teaming": date(2026, 8, 24),
    }
    plan = _by_phase(ended)
    assert plan["scoping"] == (NOTIFIED, date(2026, 4, 30))  # Art. 9(2): 3 months, same day
    assert plan["active_red_teaming"] == (date(2026, 5, 18), date(2026, 8, 10))  # Art. 11(5): 12 weeks
    end = date(2026, 8, 24)
    assert plan["red_team_report"][1] == end + timedelta(weeks=4)  # Art. 12(2)
    assert plan["blue_team_report"][1] == end + timedelta(weeks=10)  # Art. 12(4)
    assert plan["replay_purple"][1] == end + timedelta(weeks=10)  # Art. 12(5)
    # Art. 12(6): 8 weeks after both reports are confirmed (projected at their deadlines).
    assert plan["test_summary"][1] == end + timedelta(weeks=18)
    both = {**ended, "red_team_report": date(2026, 9, 7), "blue_team_report": date(2026, 10, 1)}
    assert _by_phase(both)["test_summary"][1] == date(2026, 10, 1) + timedelta(weeks=8)
    summary = {**both, "replay_purple": date(2026, 10, 20), "test_summary": date(2026, 11, 2)}
    assert _by_phase(summary)["remediation_plan"][1] == date(2026, 11, 2) + timedelta(weeks=8)  # Art. 13(1)
    assert _by_phase(summary)["attestation"][1] is None


def test_weekly_reports_fall_every_seven_days_of_active_testing() -> None:
    item = next(s for s in schedule(rules_for("rts"), NOTIFIED, {}) if s.phase == "active_red_teaming")
    reports = weekly_reports(item)
    assert len(reports) == 12
    assert reports[0] == item.starts + timedelta(days=7) and reports[-1] == item.due


def test_months_keep_the_day_or_take_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_only_the_authoritys_own_framework_changes_the_rules() -> None:
    assert rules_for("authority", {"active_minimum_weeks": 10})["active_minimum_weeks"] == 10
    with pytest.raises(TlptError) as refused:
        rules_for("rts", {"active_minimum_weeks": 10})
    assert refused.value.field == "active_minimum_weeks"
    with pytest.raises(TlptError) as unknown:
        rules_for("made_up")
    assert unknown.value.field == "framework"
    with pytest.raises(TlptError):
        rules_for("authority", {"active_minimum_weeks": 0})
    assert PHASES[0] == "scoping" and PHASES[-1] == "attestation"
