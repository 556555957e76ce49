"""``cyberdelta benchmark …``: publish figures, audit what a cycle published, feedback PDFs for every
participant (docs/benchmark.md, "Commands")."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from cyberdelta.catalog.commands import prepared_engine
from cyberdelta.platform import i18n
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.console import UserError, err, out, settings
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _

if TYPE_CHECKING:
    from cyberdelta.benchmark.publication import Publication

benchmark_app = typer.Typer(help="Industry benchmarks of the self-assessments.", no_args_is_help=True)


@benchmark_app.command("recompute")
def benchmark_recompute() -> None:
    """Make a publication of every cycle now (each still passes the reconstruction audit)."""
    from cyberdelta.benchmark.publication import publish
    from cyberdelta.benchmark.service import cycles as all_cycles

    engine = prepared_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        for cycle in all_cycles(session):
            _report(cycle.name, publish(session, cycle, "manual", actor=Actor.console()))


def _report(name: str, result: Publication) -> None:
    figures = result.outcome.figures
    if result.made:
        out.print(
            _(
                "%(cycle)s: publication %(number)s made, %(published)s of %(total)s figures published.",
                cycle=escape(name),
                number=result.number,
                published=sum(1 for row in figures if row["published"]),
                total=len(figures),
            )
        )
    else:
        err.print(
            _(
                "%(cycle)s: publication %(number)s refused by the reconstruction audit (%(count)s findings).",
                cycle=escape(name),
                number=result.number,
                count=len(result.audit.findings),
            )
        )


@benchmark_app.command("publish")
def benchmark_publish(cycle: Annotated[int, typer.Argument(help="Cycle id (see the cycles page).")]) -> None:
    """Make a publication of one cycle now, e.g. when it closes."""
    from cyberdelta.assessment.models import Cycle
    from cyberdelta.benchmark.publication import publish

    engine = prepared_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        found = session.get(Cycle, cycle)
        if found is None:
            raise UserError(_("cycle: unknown cycle %(id)s", id=cycle))
        result = publish(session, found, "manual", actor=Actor.console())
        _report(found.name, result)
    if not result.made:
        sys.exit(1)


@benchmark_app.command("audit")
def benchmark_audit(cycle: Annotated[int, typer.Argument(help="Cycle id (see the cycles page).")]) -> None:
    """Run the reconstruction audit over everything the cycle has published; exit 1 on a finding."""
    from cyberdelta.assessment.models import Cycle
    from cyberdelta.benchmark.explain import finding_text
    from cyberdelta.benchmark.history import History
    from cyberdelta.benchmark.publication import records
    from cyberdelta.benchmark.reconstruction import audit

    engine = prepared_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        found = session.get(Cycle, cycle)
        if found is None:
            raise UserError(_("cycle: unknown cycle %(id)s", id=cycle))
        published = records(session, found.id)
        result = audit(History(published))
    out.print(
        _(
            "%(cycle)s: %(publications)s publications, %(figures)s figures in %(programs)s programs, "
            "%(solves)s solver runs in %(seconds)s s.",
            cycle=escape(found.name),
            publications=len(published),
            figures=result.figures,
            programs=result.programs,
            solves=result.solves,
            seconds=f"{result.seconds:.2f}",
        )
    )
    for finding in result.findings:
        err.print(escape(finding_text(finding)))
    if result.findings:
        sys.exit(1)
    out.print(_("No firm's value can be narrowed down further than the rules allow."))


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
                actor=Actor.console(),
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
