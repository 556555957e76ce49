"""The maturity scale 0–5 with its descriptors in Japanese and English (docs/assessment.md, "Scoring")."""

from __future__ import annotations

from cyberdelta.platform.i18n import gettext as _


def descriptor(level: int) -> str:
    """The descriptor of a maturity level in the current language."""
    texts = {
        0: _("Not performed"),
        1: _("Ad hoc"),
        2: _("Documented and repeatable"),
        3: _("Defined and implemented organisation-wide"),
        4: _("Measured and managed"),
        5: _("Continuously improved"),
    }
    return texts[level]
