"""``cyberdelta benchmark …``: recompute figures, feedback PDFs for every participant."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cyberdelta.catalog.commands import prepared_engine
from cyberdelta.platform import i18n
from cyberdelta.platform.console import UserError, err, out, settings
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _

benchmark_app = typer.Typer(help="Industry benchmarks of the self-assessments.", no_args_is_help=True)


@benchmark_app.command("recompute")
def benchmark_recompute() -> None:
    """Recompute the benchmarks of every cycle now (the same work as the background job)."""
    from cyberdelta.benchmark.compute import recompute
    from cyberdelta.benchmark.service import cycles as all_cycles

    engine = prepared_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        for cycle in all_cycles(session):
            outcome = recompute(session, cycle)
            published = sum(1 for row in outcome.figures if row["published"])
            out.print(
                _(
                    "%(cycle)s: %(published)s of %(total)s figures published.",
                    cycle=escape(cycle.name),
                    published=published,
                    total=len(outcome.figures),
                )
            )


@benchmark_app.command("feedback")
def benchmark_feedback(
    cycle: Annotated[int, typer.Option(help="Cycle id (see the cycles page).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the PDFs.")] = Path("feedback"),
    language: Annotated[str, typer.Option(help="ja or en.")] = "ja",
) -> None:
    """Write the feedback PDF of every counted exchange and the industry report, with a progress bar."""
    from rich.progress import Progress

    from cyberdelta.assessment.models import Cycle
    from cyberdelta.benchmark.feedback import write_all
    from cyberdelta.tenancy.models import Organisation

    code = i18n.parse_language(language)
    if code is None:
        raise UserError(_("language: choose ja or en"))
    engine = prepared_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        found = session.get(Cycle, cycle)
        if found is None:
            raise UserError(_("cycle: unknown cycle %(id)s", id=cycle))
        failures: list[tuple[Organisation, str]] = []
        with Progress(console=out) as bar:
            task = bar.add_task(_("Feedback reports"), total=None)
            written = write_all(
                session,
                found,
                out_dir,
                code,
                lambda done, total: bar.update(task, completed=done, total=total),
                failures,
            )
    out.print(_("%(count)s reports written to %(path)s.", count=len(written), path=str(out_dir)))
    for organisation, message in failures:
        name = escape(i18n.pick(organisation.name_en, organisation.name_ja))
        err.print(
            _(
                "The report of %(organisation)s could not be created: %(error)s",
                organisation=name,
                error=escape(message),
            )
        )
    if failures:
        sys.exit(1)
