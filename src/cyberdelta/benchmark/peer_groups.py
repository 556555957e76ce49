"""Peer groups (docs/benchmark.md, "What is computed").

A firm belongs to the group of all exchanges and to one group per profile attribute below, read
from its inherent-risk profile (``assessment_risk_profile``, CATALOG.md "Inherent-risk profile").
Keys are stable text such as ``custody:large`` so that stored figures can be found again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberdelta.platform.i18n import gettext as _

ALL = "all"

# attribute key → (profile field, the values it takes)
ATTRIBUTES: dict[str, tuple[str, tuple[str, ...]]] = {
    "custody": ("custody_band", ("small", "medium", "large")),
    "customers": ("customers_band", ("small", "medium", "large")),
    "staking": ("staking_or_defi", ("yes", "no")),
}


def _value(field: str, answers: Mapping[str, Any]) -> str:
    raw = answers.get(field)
    if isinstance(raw, bool) or field == "staking_or_defi":
        return "yes" if raw is True else "no"
    return str(raw) if raw in ("small", "medium", "large") else "small"


def groups_of(answers: Mapping[str, Any]) -> list[str]:
    """Every peer group of a firm with these profile answers (a firm without a profile has the
    profile's defaults, like the targets do)."""
    return [ALL] + [f"{key}:{_value(field, answers)}" for key, (field, _values) in ATTRIBUTES.items()]


def all_groups() -> list[str]:
    return [ALL] + [f"{key}:{value}" for key, (_field, values) in ATTRIBUTES.items() for value in values]


def label(group: str) -> str:
    """The group's name in the current language."""
    names = {
        ALL: _("All exchanges"),
        "custody": _("Custody"),
        "customers": _("Customers"),
        "staking": _("Staking or DeFi"),
    }
    values = {"small": _("small"), "medium": _("medium"), "large": _("large"), "yes": _("yes"), "no": _("no")}
    if group == ALL:
        return names[ALL]
    key, _sep, value = group.partition(":")
    return f"{names.get(key, key)}: {values.get(value, value)}"
