"""The assessment report (docs/assessment.md): cover (organisation, cycle, approver), overall and
per-domain scores, radar chart (current vs target), heat map (domain × maturity), baseline gaps, top
improvement items, and an appendix with every answer and its evidence. One HTML template serves the
page and the PDF (WeasyPrint, :mod:`cyberdelta.platform.reports.pdf`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from cyberdelta.assessment import plan, service
from cyberdelta.assessment.evidence import evidence_by_response
from cyberdelta.assessment.exports import organisation_name
from cyberdelta.assessment.gaps import GapKind
from cyberdelta.assessment.maturity import descriptor
from cyberdelta.assessment.models import Assessment
from cyberdelta.assessment.workflow import State, is_editable
from cyberdelta.platform.i18n import current_language, language
from cyberdelta.platform.reports.charts import heat_map, radar_chart
from cyberdelta.platform.reports.pdf import html_to_pdf
from cyberdelta.platform.settings import Language
from cyberdelta.platform.templates import make_environment

# This capability's own templates (the report documents); no page layout is needed for a PDF.
TEMPLATES = Path(__file__).resolve().parent / "templates"

TOP_ITEMS = 10
Progress = Callable[[int], None]


@dataclass(frozen=True)
class AnswerLine:
    label: str
    title: str
    domain: str
    level: str
    maturity: str
    comment: str
    evidence: list[str]


def _signed_evidence(snapshot: dict[str, Any], control_id: str) -> list[str]:
    answer = snapshot.get("responses", {}).get(control_id) or {}
    return [str(title) for title in answer.get("evidence", [])]


def report_context(
    session: Session, assessment: Assessment, progress: Progress | None = None, *, refresh: bool = True
) -> dict[str, Any]:
    """Everything the report template needs, in the current language. ``refresh=False`` reads the
    plan as stored (a background job refreshes it in its own transaction first, then only reads)."""
    step = progress or (lambda _percent: None)
    view = service.view_of(session, assessment)
    result = service.summary(session, assessment, view)
    responses = service.responses_of(session, assessment)
    evidence = evidence_by_response(session, assessment)
    # A signed-off revision is reported as it was signed: its evidence from the snapshot.
    frozen = assessment.snapshot if not is_editable(State(assessment.state)) else None
    step(20)
    codes = [domain.code for domain in view.domains]
    counts: dict[str, list[int]] = {code: [0] * 7 for code in codes}
    answers = []
    for control in view.controls:
        row = responses.get(control.control_id)
        if row is not None and row.not_applicable:
            counts[control.domain][6] += 1
            maturity = f"N/A ({row.na_reason})"
        elif row is not None and row.maturity is not None:
            counts[control.domain][row.maturity] += 1
            maturity = f"{row.maturity} — {descriptor(row.maturity)}"
        else:
            maturity = "—"
        answers.append(
            AnswerLine(
                label=control.label,
                title=control.display_title,
                domain=control.domain.upper(),
                level=control.level,
                maturity=maturity,
                comment=row.comment if row else "",
                evidence=_signed_evidence(frozen, control.control_id)
                if frozen is not None
                else [e.title for e in evidence.get(row.id, [])]
                if row
                else [],
            )
        )
    step(40)
    radar = Markup(radar_chart(codes, result.domains, result.targets))  # noqa: S704 (matplotlib's own SVG)
    heat = Markup(heat_map(codes, counts))  # noqa: S704 (matplotlib's own SVG, numbers only)
    step(70)
    if refresh:
        plan.refresh_plan(session, assessment)
    items = plan.list_items(session, assessment.organisation_id, assessment.cycle_id)
    open_items = sorted((i for i in items if i.status != plan.ItemStatus.DONE), key=lambda i: -i.priority)
    cycle = assessment.cycle
    return {
        "organisation": organisation_name(session, assessment, current_language()),
        "assessment": assessment,
        "cycle": cycle.name,
        "domains": view.domains,
        "summary": result,
        "radar": radar,
        "heat": heat,
        "baseline_gaps": [i for i in open_items if i.gap_kind == GapKind.BASELINE],
        "top_items": open_items[:TOP_ITEMS],
        "answers": answers,
        "catalog": service.catalog_of(session, assessment),
    }


def render_report_html(
    session: Session, assessment: Assessment, progress: Progress | None = None, *, refresh: bool = True
) -> str:
    context = report_context(session, assessment, progress, refresh=refresh)
    template = make_environment(TEMPLATES).get_template("assessment/report_document.html")
    return template.render(context)


def render_pdf(
    session: Session,
    assessment: Assessment,
    code: Language,
    progress: Progress | None = None,
    *,
    refresh: bool = True,
) -> bytes:
    """The PDF report in ``code`` (ja or en)."""
    step = progress or (lambda _percent: None)
    with language(code):
        html = render_report_html(session, assessment, step, refresh=refresh)
    step(80)
    pdf = html_to_pdf(html)
    step(100)
    return pdf
