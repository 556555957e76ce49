"""Why a cell shows no number, or a coarser one, in words a reader without statistics understands
(docs/benchmark.md, "Disclosure control"), in Japanese and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberdelta.benchmark import peer_groups
from cyberdelta.benchmark.disclosure import AT_LEAST, DEFAULT_RULES, Rules
from cyberdelta.benchmark.reconstruction import COMBINATION, SCORE, SHARE, Finding
from cyberdelta.platform.i18n import gettext as _


def reason_text(reason: str, carried_from: int | None = None, rules: Rules = DEFAULT_RULES) -> str:
    """Why a figure is suppressed (or shown from an earlier publication)."""
    if reason == "too-few":
        return _(
            "Fewer than %(k)s firms are in this group: a figure of so few would describe individual firms.",
            k=rules.k,
        )
    if reason == "differencing":
        return _(
            "Comparing this group with the other published groups (or with the previous publication) "
            "would single out fewer than %(k)s firms, so it is not shown.",
            k=rules.k,
        )
    if reason == "reconstruction":
        return _(
            "Together with the other published figures, this figure would let a reader narrow one "
            "firm's value down too far, so it is not shown."
        )
    if reason == "carried":
        return _(
            "As published in publication %(number)s: fewer than %(k)s firms of this group have joined "
            "or changed since, so the figure is not updated yet.",
            number=carried_from,
            k=rules.k,
        )
    return ""


def short_reason(reason: str) -> str:
    """The badge of a suppressed cell."""
    if reason == "too-few":
        return _("not enough peers")
    if reason == "differencing":
        return _("too close to another group")
    if reason == "reconstruction":
        return _("withheld (reconstruction audit)")
    return reason


def quantile_note(rules: Rules = DEFAULT_RULES) -> str:
    return _(
        "Each percentile is the average of the %(k)s firms nearest to it, rounded to %(step)s; the "
        "median is shown from %(k)s firms, p25 and p75 from %(two)s, p10 and p90 from %(four)s.",
        k=rules.k,
        step=rules.score_step,
        two=rules.minimum_group(25),
        four=rules.minimum_group(10),
    )


def coded_text(coding: str | None, value: float | None) -> str:
    """A top- or bottom-coded number as text ("4.0 or more")."""
    if value is None:
        return "—"
    if coding == AT_LEAST:
        return _("%(value)s or more", value=f"{value:.1f}")
    if coding:
        return _("%(value)s or less", value=f"{value:.1f}")
    return f"{value:.1f}"


def coding_note(rules: Rules = DEFAULT_RULES) -> str:
    low, high = rules.score_range
    return _(
        'Values above %(top)s are shown as "%(top)s or more" and values below %(bottom)s as '
        '"%(bottom)s or less": close to the end of the scale a number would tell where the best '
        "or the weakest firms stand.",
        top=f"{high - rules.score_width:.1f}",
        bottom=f"{low + rules.score_width:.1f}",
    )


def finding_text(finding: Finding | Mapping[str, Any], rules: Rules = DEFAULT_RULES) -> str:
    """One finding of the reconstruction audit as a sentence."""
    data = finding.as_json() if isinstance(finding, Finding) else finding
    where = _(
        "%(group)s, %(scope)s %(key)s (publication %(number)s)",
        group=peer_groups.label(str(data["group"])),
        scope=data["scope"],
        key=data["key"],
        number=data["number"],
    )
    if data["kind"] == SCORE:
        low, high = float(str(data["low"])), float(str(data["high"]))
        rank = data.get("rank")
        who = (
            _("the lowest firm")
            if rank == 1
            else _("every firm between the lowest and the highest")
            if rank is None
            else _("the highest firm")
        )
        return _(
            "%(where)s: the published figures would place %(who)s between %(low)s and %(high)s "
            "(narrower than %(width)s point).",
            where=where,
            who=who,
            low=f"{low:.2f}",
            high=f"{high:.2f}",
            width=rules.score_width,
        )
    if data["kind"] == SHARE:
        return _(
            "%(where)s: the published shares would show whether some firms have the baseline gap.",
            where=where,
        )
    if data["kind"] == COMBINATION:
        return _(
            "%(where)s: combining the published groups would single out %(count)s firms.",
            where=where,
            count=int(float(str(data["low"]))),
        )
    return where
