"""``cyberdelta exercise scenario …``: the scenario library at the console (docs/exercise.md,
"Commands"). Import is all or nothing and names every problem as ``sheet!cell`` (a workbook) or a
JSON path (a document); the console's imports and exports are audited like the pages'."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.console import err, out, read_file, settings, upgraded_engine
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import pick

exercise_app = typer.Typer(help="Industry exercises (Delta Wall).", no_args_is_help=True)
scenario_app = typer.Typer(help="The scenario library.", no_args_is_help=True)
exercise_app.add_typer(scenario_app, name="scenario")


def _prepared(engine: Engine) -> None:
    from cyberdelta.catalog.service import ensure_builtin_catalog
    from cyberdelta.exercise.library import ensure_builtin_scenario

    with transaction(make_session_factory(engine)) as session:
        ensure_builtin_catalog(session)
        ensure_builtin_scenario(session)


@scenario_app.command("import")
def scenario_import(
    file: Annotated[Path, typer.Argument(help="Master event list (.xlsx) or scenario document (.json).")],
) -> None:
    """Import a scenario as a new version of its key (all or nothing)."""
    from cyberdelta.exercise.scenarios import import_file

    data = read_file(file)
    engine = upgraded_engine(settings(), prepare=_prepared)
    with transaction(make_session_factory(engine)) as session:
        version, created = import_file(session, Actor.console(), data, file.name)
        summary = (version.version, version.inject_count, version.decision_count)
    if created:
        out.print(
            _(
                "Imported version %(version)s: %(injects)s injects, %(decisions)s decision points.",
                version=summary[0],
                injects=summary[1],
                decisions=summary[2],
            )
        )
    else:
        out.print(_("Unchanged: version %(version)s holds the same scenario.", version=summary[0]))


@scenario_app.command("export")
def scenario_export(
    key: Annotated[str, typer.Argument(help="KEY or KEY@VERSION (newest version by default).")],
    out_file: Annotated[Path, typer.Option("--out", help="Output file: .xlsx, or .json for the document.")],
) -> None:
    """Write a scenario version as the planners' master event list (.xlsx) or as its JSON document."""
    from cyberdelta.exercise.scenarios import export_file

    engine = upgraded_engine(settings(), prepare=_prepared)
    with transaction(make_session_factory(engine)) as session:
        data = export_file(session, Actor.console(), key, as_json=out_file.suffix.lower() == ".json")
    out_file.write_bytes(data)
    err.print(_("Wrote %(path)s", path=str(out_file)))


@scenario_app.command("list")
def scenario_list() -> None:
    """List the scenarios of the library with their newest version."""
    from cyberdelta.exercise.library import list_scenarios

    engine = upgraded_engine(settings(), prepare=_prepared)
    with transaction(make_session_factory(engine)) as session:
        rows = list_scenarios(session)
    table = Table(_("Scenario"), _("Version"), _("Injects"), _("Decision points"), _("Title"))
    for row in rows:
        table.add_row(
            row.key, str(row.version), str(row.injects), str(row.decisions), pick(row.title, row.title_ja)
        )
    out.print(table)
