"""``cyberdelta tlpt …`` (docs/tlpt.md): ``rules`` prints a framework's timeline rules with their
sources and the schedule they give an engagement notified on a date (no database, nothing stored)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cyberdelta.platform.i18n import gettext as _

tlpt_app = typer.Typer(help="Threat-led penetration tests (TLPT).", no_args_is_help=True)


@tlpt_app.callback()
def _group() -> None:
    """Threat-led penetration tests (TLPT)."""


@tlpt_app.command("rules")
def rules(
    framework: Annotated[str, typer.Option(help="rts, tiber_eu or authority.")] = "rts",
    notified_on: Annotated[str, typer.Option("--notified-on", help="YYYY-MM-DD (default: today).")] = "",
) -> None:
    """Print the timeline rules of a framework and the deadlines they give (every phase on time)."""
    from cyberdelta.tlpt.errors import TlptError
    from cyberdelta.tlpt.frameworks import rules_for, schedule
    from cyberdelta.tlpt.labels import PHASE_TITLES

    try:
        values = rules_for(framework)
        start = date.fromisoformat(notified_on) if notified_on else date.today()
    except TlptError as error:
        typer.echo(f"{_('Error')}: {error.render()}", err=True)
        raise typer.Exit(2) from error
    except ValueError as error:
        typer.echo(f"{_('Error')}: --notified-on: {_('Give the date as YYYY-MM-DD.')}", err=True)
        raise typer.Exit(2) from error
    for name, value in values.items():
        typer.echo(f"{name} = {value}")
    for item in schedule(values, start, {}):
        due = item.due.isoformat() if item.due else "—"
        typer.echo(f"{item.starts.isoformat()}  {due}  {_(PHASE_TITLES[item.phase])}  ({item.rule.source})")
