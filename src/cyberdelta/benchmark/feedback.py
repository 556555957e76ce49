"""Feedback reports as PDF (docs/benchmark.md): one per exchange — its position, its gaps, and the
controls where its peers typically do better — and one industry report; Japanese or English.

The same WeasyPrint renderer and bundled Japanese font as the assessment report
(:func:`cyberdelta.platform.reports.pdf.html_to_pdf`). A firm's report is built only from its own values
and the published aggregates, exactly like its "where you stand" page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.assessment.catalog_view import catalog_view
from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark import peer_groups
from cyberdelta.benchmark.models import BenchmarkFigure, BenchmarkPosition
from cyberdelta.benchmark.service import industry_view, own_maturities, where_you_stand
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.i18n import language
from cyberdelta.platform.reports.pdf import html_to_pdf
from cyberdelta.platform.settings import Language
from cyberdelta.platform.templates import make_environment
from cyberdelta.tenancy.models import Organisation

# This capability's own templates (the report documents); no page layout is needed for a PDF.
TEMPLATES = Path(__file__).resolve().parent / "templates"

TOP = 10


@dataclass(frozen=True)
class PeersBetter:
    label: str
    title: str
    maturity: int
    median: float
    p75: float


def peers_do_better(session: Session, cycle: Cycle, organisation_id: int) -> list[PeersBetter]:
    """The firm's controls whose maturity is below the all-exchanges median, largest shortfall first."""
    view = catalog_view(session, cycle.catalog_version_id)
    medians = {
        row.key: row
        for row in session.scalars(
            select(BenchmarkFigure).where(
                BenchmarkFigure.cycle_id == cycle.id,
                BenchmarkFigure.scope == "control",
                BenchmarkFigure.peer_group == peer_groups.ALL,
                BenchmarkFigure.published.is_(True),
            )
        )
    }
    rows = own_maturities(session, cycle, organisation_id)
    result = []
    for control_id, maturity in rows:
        figure = medians.get(control_id)
        if maturity is None or figure is None or figure.median is None or figure.p75 is None:
            continue
        if {"median", "p75"} & set(figure.coded or {}):  # "4.0 or more" is no threshold to name
            continue
        if maturity >= figure.median:
            continue
        info = view.control(control_id)
        result.append(
            PeersBetter(
                label=info.label if info else control_id,
                title=info.display_title if info else control_id,
                maturity=maturity,
                median=figure.median,
                p75=figure.p75,
            )
        )
    return sorted(result, key=lambda item: (item.maturity - item.median, item.label))[:TOP]


def firm_pdf(session: Session, cycle: Cycle, organisation: Organisation, code: Language) -> bytes:
    with language(code):
        template = make_environment(TEMPLATES).get_template("benchmark/feedback_document.html")
        html = template.render(
            kind="firm",
            organisation=organisation.name_ja if code == "ja" else organisation.name_en,
            result=where_you_stand(session, cycle, organisation.id, peer_groups.ALL),
            better=peers_do_better(session, cycle, organisation.id),
            current_language=lambda: code,
        )
    return html_to_pdf(html)


def industry_pdf(session: Session, cycle: Cycle, code: Language) -> bytes:
    with language(code):
        view = industry_view(session, cycle)
        template = make_environment(TEMPLATES).get_template("benchmark/feedback_document.html")
        html = template.render(
            kind="industry",
            view=view,
            labels={key: peer_groups.label(key) for key in view.groups},
            current_language=lambda: code,
        )
    return html_to_pdf(html)


def firms_with_position(session: Session, cycle: Cycle) -> list[Organisation]:
    ids = list(
        session.scalars(
            select(BenchmarkPosition.organisation_id).where(BenchmarkPosition.cycle_id == cycle.id)
        )
    )
    return list(
        session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.slug))
    )


def write_all(
    session: Session,
    cycle: Cycle,
    folder: Path,
    code: Language,
    progress: Callable[[int, int], None],
    failures: list[tuple[Organisation, str]] | None = None,
    *,
    actor: Actor,
) -> list[Path]:
    """Every counted firm's report and the industry report, written under ``folder``;
    ``progress(done, total)`` is called after each file. A firm whose report cannot be made is
    appended to ``failures`` with its error (the others are still written); without a
    ``failures`` list the error is raised. Audited as ``benchmark.feedback_exported`` (each firm's
    report leaves the platform)."""
    folder.mkdir(parents=True, exist_ok=True)
    firms = firms_with_position(session, cycle)
    total = len(firms) + 1
    written = []
    target = folder / f"industry-{cycle.id}-{code}.pdf"
    target.write_bytes(industry_pdf(session, cycle, code))
    written.append(target)
    progress(1, total)
    for index, organisation in enumerate(firms, start=2):
        target = folder / f"feedback-{cycle.id}-{organisation.slug}-{code}.pdf"
        try:
            with session.begin_nested():  # a failed firm leaves the session usable for the next
                pdf = firm_pdf(session, cycle, organisation, code)
        except Exception as error:
            if failures is None:
                raise
            failures.append((organisation, f"{type(error).__name__}: {error}"))
        else:
            target.write_bytes(pdf)
            written.append(target)
        progress(index, total)
    audit(
        session,
        actor,
        "benchmark.feedback_exported",
        object_type="assessment_cycle",
        object_id=cycle.id,
        details={"language": code, "files": [path.name for path in written], "folder": str(folder)},
    )
    return written
