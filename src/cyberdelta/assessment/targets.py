"""Inherent-risk profile → target maturity per domain (docs/assessment.md, CATALOG.md
"Inherent-risk profile (sets target maturity)").

The rule, shown to the user with the reasons that applied:

* every domain starts at target **3** (the baseline: defined and implemented organisation-wide);
* each profile answer adds *risk points* to the domains it exposes (table :data:`RULES`);
* a domain with 2–3 points gets target **4**, with 4 or more points target **5**;
* the domain's inherent-risk rating is 1 (target 3), 2 (target 4) or 3 (target 5); it multiplies the
  priority of the domain's gaps (:mod:`cyberdelta.assessment.gaps`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from cyberdelta.platform.i18n import gettext as _

DOMAINS = ("gv", "id", "pr", "de", "rs", "tp", "cx")
BASE_TARGET = 3


class Band(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


@dataclass(frozen=True)
class InherentRiskProfile:
    """The answers of CATALOG.md's inherent-risk profile."""

    custody_band: Band = Band.SMALL
    hot_wallet_percent: int = 0
    chains: int = 1
    tokens: int = 1
    customers_band: Band = Band.SMALL
    outsourced_wallet_operations: bool = False
    third_party_signing_software: bool = False
    staking_or_defi: bool = False
    cross_border: bool = False
    past_incidents: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.hot_wallet_percent <= 100:
            raise ValueError("hot_wallet_percent must be between 0 and 100")
        if self.chains < 0 or self.tokens < 0:
            raise ValueError("chains and tokens cannot be negative")


@dataclass(frozen=True)
class Rule:
    """When ``applies(profile)``, add ``points`` to each domain; ``reason`` says why (current language)."""

    applies: Callable[[InherentRiskProfile], bool]
    points: Mapping[str, int]
    reason: Callable[[InherentRiskProfile], str]


RULES: tuple[Rule, ...] = (
    Rule(
        lambda p: p.custody_band is Band.LARGE,
        {"cx": 2, "pr": 1, "gv": 1},
        lambda p: _("large amount of crypto-assets under custody"),
    ),
    Rule(
        lambda p: p.custody_band is Band.MEDIUM,
        {"cx": 1},
        lambda p: _("medium amount of crypto-assets under custody"),
    ),
    Rule(
        lambda p: p.hot_wallet_percent > 30,
        {"cx": 2, "de": 1},
        lambda p: _("%(percent)s%% of assets are in hot wallets", percent=p.hot_wallet_percent),
    ),
    Rule(
        lambda p: 10 < p.hot_wallet_percent <= 30,
        {"cx": 1, "de": 1},
        lambda p: _("%(percent)s%% of assets are in hot wallets", percent=p.hot_wallet_percent),
    ),
    Rule(
        lambda p: p.chains >= 5,
        {"cx": 1, "id": 1},
        lambda p: _("%(count)s chains supported", count=p.chains),
    ),
    Rule(lambda p: p.tokens >= 50, {"id": 1}, lambda p: _("%(count)s tokens listed", count=p.tokens)),
    Rule(
        lambda p: p.customers_band is Band.LARGE,
        {"pr": 1, "rs": 1},
        lambda p: _("large number of customers"),
    ),
    Rule(
        lambda p: p.outsourced_wallet_operations,
        {"tp": 2, "cx": 1},
        lambda p: _("wallet operations are outsourced"),
    ),
    Rule(
        lambda p: p.third_party_signing_software,
        {"cx": 2, "tp": 1},
        lambda p: _("third-party signing software is used"),
    ),
    Rule(lambda p: p.staking_or_defi, {"cx": 1, "id": 1}, lambda p: _("staking or DeFi exposure")),
    Rule(lambda p: p.cross_border, {"gv": 1, "de": 1}, lambda p: _("cross-border operations")),
    Rule(lambda p: p.past_incidents, {"rs": 2, "de": 1}, lambda p: _("past security incidents")),
)


@dataclass(frozen=True)
class DomainTarget:
    domain: str
    points: int
    target: int
    rating: int
    reasons: tuple[str, ...] = field(default=())

    def explanation(self, domain_title: str) -> str:
        """ "Your target for CX is 4 because …" in the current language."""
        if not self.reasons:
            return _(
                "Your target for %(domain)s is %(target)s: the baseline, as no inherent-risk factor applies.",
                domain=domain_title,
                target=self.target,
            )
        return _(
            "Your target for %(domain)s is %(target)s because: %(reasons)s (%(points)s risk points).",
            domain=domain_title,
            target=self.target,
            reasons="; ".join(self.reasons),
            points=self.points,
        )


def target_for_points(points: int) -> int:
    """0–1 points → 3, 2–3 → 4, 4 or more → 5."""
    if points >= 4:
        return 5
    if points >= 2:
        return 4
    return BASE_TARGET


def domain_targets(
    profile: InherentRiskProfile, domains: tuple[str, ...] = DOMAINS
) -> dict[str, DomainTarget]:
    """Target maturity, rating and reasons for every domain (unknown domains keep the baseline)."""
    points = dict.fromkeys(domains, 0)
    reasons: dict[str, list[str]] = {domain: [] for domain in domains}
    for rule in RULES:
        if not rule.applies(profile):
            continue
        text = rule.reason(profile)
        for domain, value in rule.points.items():
            if domain in points:
                points[domain] += value
                reasons[domain].append(f"{text} (+{value})")
    result = {}
    for domain in domains:
        target = target_for_points(points[domain])
        result[domain] = DomainTarget(
            domain=domain,
            points=points[domain],
            target=target,
            rating=target - BASE_TARGET + 1,
            reasons=tuple(reasons[domain]),
        )
    return result
