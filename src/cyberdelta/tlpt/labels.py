"""Names of the phases, teams and checks as pages and the calendar show them (docs/tlpt.md). The
English texts are message ids, translated where shown (``_(label)`` in templates)."""

from __future__ import annotations

from typing import Final

from cyberdelta.tlpt.errors import _

PHASE_TITLES: Final[dict[str, str]] = {
    "scoping": _("Scoping"),
    "provider_selection": _("Provider selection"),
    "threat_intelligence": _("Targeted threat intelligence report"),
    "red_team_plan": _("Red-team test plan"),
    "active_red_teaming": _("Active red-team testing"),
    "red_team_report": _("Red-team test report"),
    "blue_team_report": _("Blue-team test report"),
    "replay_purple": _("Replay and purple teaming"),
    "test_summary": _("Test summary report"),
    "remediation_plan": _("Remediation plan"),
    "attestation": _("Attestation"),
    "closed": _("Closed"),
}
TEAM_TITLES: Final[dict[str, str]] = {
    "test_manager": _("Test manager (authority)"),
    "control_team": _("Control team (firm)"),
    "ti_provider": _("Threat-intelligence provider"),
    "red_team": _("Red-team tester"),
}
CHECK_TITLES: Final[dict[str, str]] = {
    "experience": _("Experience"),
    "references": _("References"),
    "insurance": _("Insurance"),
    "certifications": _("Certifications"),
}
PROVIDER_TITLES: Final[dict[str, str]] = {"ti": _("Threat intelligence"), "red_team": _("Red team")}
FRAMEWORK_TITLES: Final[dict[str, str]] = {
    "rts": _("Commission Delegated Regulation (EU) 2025/1190"),
    "tiber_eu": _("TIBER-EU"),
    "authority": _("The authority's own framework"),
}
