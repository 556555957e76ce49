"""``cyberdelta assessment …``: self-assessment reports from the command line."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from cyberdelta.platform import i18n
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.console import UserError, out, settings, upgraded_engine
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.tenancy.service import get_organisation_by_slug

assessment_app = typer.Typer(help="Self-assessments (自助).", no_args_is_help=True)


@assessment_app.command("report")
def assessment_report(
    organisation: Annotated[str, typer.Argument(help="Organisation slug, e.g. demo-exchange.")],
    output: Annotated[Path, typer.Option(help="Where to write the PDF.")] = Path("report.pdf"),
    language: Annotated[str, typer.Option(help="ja or en.")] = "ja",
) -> None:
    """Render the PDF report of the organisation's latest assessment."""
    # Imported here: the renderer pulls in WeasyPrint and matplotlib, which other commands never need.
    from cyberdelta.assessment import actions, service
    from cyberdelta.assessment.report import render_pdf

    code = i18n.parse_language(language)
    if code is None:
        raise UserError(_("language: choose ja or en"))
    engine = upgraded_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        found = get_organisation_by_slug(session, organisation)
        assessment = service.latest_assessment(session, found.id) if found is not None else None
        if assessment is None:
            raise UserError(_("No assessment found for %(slug)s.", slug=organisation))
        pdf = render_pdf(session, assessment, code)
        actions.record_export(session, Actor.console(), assessment, "pdf", hashlib.sha256(pdf).hexdigest())
    output.write_bytes(pdf)
    out.print(_("Report written to %(path)s.", path=str(output)))
