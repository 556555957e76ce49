"""The ``cyberdelta`` command (Typer + Rich): the root, ``serve``, ``worker`` and ``db``, and every
capability's commands gathered from the manifests (:mod:`cyberdelta.capabilities`). User errors
print a message, never a traceback."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.markup import escape

from cyberdelta import capabilities
from cyberdelta.platform import i18n
from cyberdelta.platform.console import UserError, err, out, settings, upgraded_engine
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import ngettext

app = typer.Typer(
    help="CyberDelta: cyber-resilience platform for crypto-asset exchanges.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.callback()
def main_options(
    lang: Annotated[str | None, typer.Option(help="Language of messages: ja or en.")] = None,
) -> None:
    env_lang = os.environ.get("LANG", "")
    chosen = i18n.parse_language(lang) or ("ja" if env_lang.startswith("ja") else "en")
    i18n.set_language(chosen)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log one line per request.")
    ] = True,
) -> None:
    """Upgrade the database, load the built-in catalog and serve the web app."""
    import gc

    import uvicorn

    from cyberdelta.app import create_app

    config = settings()
    engine = capabilities.prepared_engine(config)
    out.print(_("Serving CyberDelta on http://%(host)s:%(port)s", host=host, port=port))
    out.print(_("Open %(url)s in a browser.", url=config.base_url))
    application = create_app(config, engine=engine)
    # Everything loaded so far (the OSCAL/STIX libraries' models, the catalog, templates) lives as
    # long as the process: leave it out of the garbage collector's full collections, which would
    # otherwise walk it again every few requests (Python docs, gc.freeze).
    gc.collect()
    gc.freeze()
    uvicorn.run(application, host=host, port=port, proxy_headers=False, access_log=access_log)


@app.command()
def worker(
    workers: Annotated[int, typer.Option(help="Jobs run at the same time (1–16).", min=1, max=16)] = 2,
    reminder_hour: Annotated[
        int, typer.Option(help="Hour (UTC) of the daily reminder run; 0 is 09:00 in Japan.", min=0, max=23)
    ] = 0,
    drain: Annotated[bool, typer.Option(help="Run the queued jobs, then exit (no periodic work).")] = False,
) -> None:
    """Run the background jobs of every app process on this data directory (reports, benchmark
    recomputation, feedback batches) and the daily deadline reminders; pair it with
    CYBERDELTA_JOBS_MODE=external for the web processes."""
    from cyberdelta.platform import jobs

    config = settings()
    if config.jobs_mode == "immediate":
        raise UserError(
            _("CYBERDELTA_JOBS_MODE=immediate runs jobs in the request; there is no queue to work")
        )
    capabilities.prepared_engine(config).dispose()
    if drain:
        count = jobs.drain(capabilities.queue(config, start_thread=False))
        out.print(ngettext("%(num)s background job run.", "%(num)s background jobs run.", count))
        return
    out.print(_("Working the job queue in %(path)s.", path=escape(config.jobs_queue)))
    capabilities.register_tasks()
    jobs.run_worker(
        config, workers=workers, daily_hour_utc=reminder_hour, daily=capabilities.periodic_tasks()
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    upgraded_engine(settings()).dispose()
    out.print(_("The database schema is up to date."))


for _capability in capabilities.CAPABILITIES:
    for _name, _group in _capability.commands():
        app.add_typer(_group, name=_name)
    for _command in _capability.root_commands():
        app.command()(_command)


def main() -> None:
    """Entry point: Typer handles usage errors; our own user errors print without a traceback."""
    try:
        app()
    except DomainError as error:
        err.print(f"[red]{_('Error')}:[/red] {escape(error.render())}", markup=True, highlight=False)
        sys.exit(1)
