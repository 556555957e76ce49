"""The ``cyberdelta`` command (Typer + Rich). User errors print a message, never a traceback."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine

from cyberdelta import i18n
from cyberdelta.catalog import service as catalog_service
from cyberdelta.catalog.diff import diff_catalogs
from cyberdelta.catalog.errors import CatalogError
from cyberdelta.catalog.oscal_document import read_catalog
from cyberdelta.catalog.spreadsheet import catalog_workbook
from cyberdelta.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.db.migrate import upgrade
from cyberdelta.i18n import gettext as _
from cyberdelta.i18n import ngettext
from cyberdelta.settings import Settings
from cyberdelta.tenancy.commands import admin_app, audit_app, member_app, org_app, token_app
from cyberdelta.tenancy.service import TenancyError, get_organisation_by_slug

app = typer.Typer(
    help="CyberDelta: cyber-resilience platform for crypto-asset exchanges.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
catalog_app = typer.Typer(help="Control catalogs (OSCAL).", no_args_is_help=True)
intel_app = typer.Typer(help="Threat-intelligence hub (STIX 2.1 / TAXII 2.1).", no_args_is_help=True)
assessment_app = typer.Typer(help="Self-assessments (自助).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
app.add_typer(assessment_app, name="assessment")
app.add_typer(admin_app, name="admin")
app.add_typer(org_app, name="org")
app.add_typer(member_app, name="member")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(intel_app, name="intel")
benchmark_app = typer.Typer(help="Industry benchmarks of the self-assessments.", no_args_is_help=True)
app.add_typer(benchmark_app, name="benchmark")
cycle_app = typer.Typer(help="Assessment cycles of the supervisor.", no_args_is_help=True)
app.add_typer(cycle_app, name="cycle")

out = Console()
err = Console(stderr=True)


class UserError(Exception):
    """An error the user can fix; printed without a traceback."""


def settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:
        raise UserError(str(error)) from None


def engine_for(config: Settings) -> Engine:
    if config.resolved_database_url.startswith("sqlite"):
        config.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(config.resolved_database_url)


def prepared_engine(config: Settings) -> Engine:
    """An engine on an up-to-date schema with the built-in catalog loaded."""
    engine = engine_for(config)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        catalog_service.ensure_builtin_catalog(session)
    return engine


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
    engine = prepared_engine(config)
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
    from cyberdelta import jobs

    config = settings()
    if config.jobs_mode == "immediate":
        raise UserError(
            _("CYBERDELTA_JOBS_MODE=immediate runs jobs in the request; there is no queue to work")
        )
    prepared_engine(config).dispose()
    if drain:
        count = jobs.drain(jobs.queue_for(config, start_thread=False))
        out.print(ngettext("%(num)s background job run.", "%(num)s background jobs run.", count))
        return
    out.print(_("Working the job queue in %(path)s.", path=escape(str(config.data_dir / "jobs.sqlite3"))))
    jobs.run_worker(config, workers=workers, reminder_hour_utc=reminder_hour)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    upgrade(engine_for(settings()))
    out.print(_("The database schema is up to date."))


@app.command()
def demo(
    orgs: Annotated[int, typer.Option(help="Synthetic exchanges to create (0–5000).", min=0, max=5000)] = 0,
    cycles: Annotated[int, typer.Option(help="Assessment cycles to fill (0–10).", min=0, max=10)] = 2,
) -> None:
    """Load demonstration data (the built-in catalog, demo organisations and members, a partly
    filled self-assessment of the first demo exchange) and, with ``--orgs N``, a synthetic industry
    of N exchanges over ``--cycles`` accepted cycles with their benchmarks."""
    from cyberdelta.assessment.demo import load_demo
    from cyberdelta.benchmark.demo import populate
    from cyberdelta.tenancy.demo import create_demo

    config = settings()
    engine = prepared_engine(config)
    with transaction(make_session_factory(engine)) as session:
        link = create_demo(session, config)
        load_demo(session)
        # Without --orgs the demo stays as small as before (one exchange's assessment).
        result = populate(session, orgs=orgs, cycles=cycles) if orgs else None
    out.print(_("Demo data loaded."))
    if result is not None:
        out.print(
            _(
                "Demo data loaded: %(orgs)s exchanges, %(cycles)s cycles, %(created)s new assessments.",
                orgs=len(result.organisations),
                cycles=len(result.cycles),
                created=result.created_assessments,
            )
        )
    if link is not None:
        out.print(_("Sign in as the platform admin: open this one-time link and create a passkey:"))
        out.print(link, markup=False, highlight=False, soft_wrap=True)


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


@cycle_app.command("remind")
def cycle_remind(
    today: Annotated[
        str | None, typer.Option(help="Date to act as today, YYYY-MM-DD (default: today, UTC).")
    ] = None,
) -> None:
    """E-mail the deadline reminders now due in every open cycle, once per participant and deadline
    (run it daily, e.g. from cron)."""
    from datetime import date

    from cyberdelta.db.base import utcnow
    from cyberdelta.supervision.reminders import ReminderError, send_reminders

    try:
        day = date.fromisoformat(today) if today else utcnow().date()
    except ValueError:
        raise UserError(_("today: a date as YYYY-MM-DD is required")) from None
    config = settings()
    engine = prepared_engine(config)
    try:
        with transaction(make_session_factory(engine)) as session:
            outcome = send_reminders(session, config, day, via="cli")
    except ReminderError as error:
        raise UserError(str(error)) from None
    for due, count in outcome.sent:
        out.print(
            _("%(cycle)s: %(organisation)s reminded (%(count)s members).", cycle=escape(due.cycle.name),
              organisation=escape(i18n.pick(due.organisation.name_en, due.organisation.name_ja)), count=count)
        )  # fmt: skip
    for due in outcome.no_recipients:
        err.print(
            _("%(cycle)s: %(organisation)s has no member who can work on the assessment; nothing sent.",
              cycle=escape(due.cycle.name),
              organisation=escape(i18n.pick(due.organisation.name_en, due.organisation.name_ja)))
        )  # fmt: skip
    for due, message in outcome.failed:
        err.print(
            _("%(cycle)s: the reminder to %(organisation)s failed: %(error)s", cycle=escape(due.cycle.name),
              organisation=escape(i18n.pick(due.organisation.name_en, due.organisation.name_ja)),
              error=escape(message))
        )  # fmt: skip
    out.print(_("%(count)s reminders sent.", count=len(outcome.sent)))
    if outcome.failed:
        sys.exit(1)


@assessment_app.command("report")
def assessment_report(
    organisation: Annotated[str, typer.Argument(help="Organisation slug, e.g. demo-exchange.")],
    output: Annotated[Path, typer.Option(help="Where to write the PDF.")] = Path("report.pdf"),
    language: Annotated[str, typer.Option(help="ja or en.")] = "ja",
) -> None:
    """Render the PDF report of the organisation's latest assessment."""
    # Imported here: the renderer pulls in WeasyPrint and matplotlib, which other commands never need.
    from cyberdelta.assessment import service
    from cyberdelta.assessment.report import render_pdf

    code = i18n.parse_language(language)
    if code is None:
        raise UserError(_("language: choose ja or en"))
    engine = engine_for(settings())
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        found = get_organisation_by_slug(session, organisation)
        assessment = service.latest_assessment(session, found.id) if found is not None else None
        if assessment is None:
            raise UserError(_("No assessment found for %(slug)s.", slug=organisation))
        pdf = render_pdf(session, assessment, code)
    output.write_bytes(pdf)
    out.print(_("Report written to %(path)s.", path=str(output)))


@catalog_app.command("list")
def catalog_list() -> None:
    """List every catalog and its published versions."""
    engine = engine_for(settings())
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        rows = catalog_service.list_versions(session)
    table = Table(_("Catalog"), _("Version"), _("Controls"), _("Title"), _("Imported"))
    for row in rows:
        table.add_row(
            row.key, row.version, str(row.control_count), i18n.pick(row.title, row.title_ja), row.imported_at
        )
    out.print(table)


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(help="OSCAL catalog, JSON or YAML.")],
    key: Annotated[str | None, typer.Option(help="Catalog key (default: from the title).")] = None,
) -> None:
    """Import an OSCAL 1.x catalog as a new published version (all or nothing)."""
    config = settings()
    data = _read_file(file)
    engine = engine_for(config)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        version = catalog_service.import_catalog(
            session, data, file.name, max_bytes=config.max_upload_bytes, key=key
        )
        summary = (version.catalog.key, version.version, version.control_count)
    out.print(
        _(
            "Imported %(key)s version %(version)s with %(count)s controls.",
            key=summary[0],
            version=summary[1],
            count=summary[2],
        )
    )


@catalog_app.command("export")
def catalog_export(
    catalog: Annotated[str, typer.Argument(help="KEY or KEY@VERSION (newest version by default).")],
    format: Annotated[str, typer.Option("--format", help="oscal-json, oscal-yaml or xlsx.")] = "oscal-json",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: standard output).")
    ] = None,
) -> None:
    """Export a catalog version as OSCAL JSON/YAML or as an Excel workbook."""
    if format not in ("oscal-json", "oscal-yaml", "xlsx"):
        raise UserError(_("Unknown format %(format)s: use oscal-json, oscal-yaml or xlsx", format=format))
    engine = engine_for(settings())
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        document = catalog_service.export_document(
            session, catalog_service.resolve_reference(session, catalog)
        )
    data: bytes
    if format == "oscal-json":
        data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    elif format == "oscal-yaml":
        import yaml

        data = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
    else:
        if out_file is None:
            raise UserError(_("An Excel export needs --out FILE"))
        data = catalog_workbook(document["catalog"])
    if out_file is None:
        sys.stdout.buffer.write(data)
    else:
        out_file.write_bytes(data)
        err.print(_("Wrote %(path)s", path=str(out_file)))


def _load_for_diff(reference: str, config: Settings) -> dict[str, Any]:
    path = Path(reference)
    if path.is_file():
        document = read_catalog(_read_file(path), path.name, config.max_upload_bytes)
    else:
        engine = engine_for(config)
        upgrade(engine)
        with transaction(make_session_factory(engine)) as session:
            document = catalog_service.export_document(
                session, catalog_service.resolve_reference(session, reference)
            )
    catalog: dict[str, Any] = document["catalog"]
    return catalog


@catalog_app.command("diff")
def catalog_diff(
    old: Annotated[str, typer.Argument(help="Older version: KEY@VERSION or an OSCAL file.")],
    new: Annotated[str, typer.Argument(help="Newer version: KEY@VERSION or an OSCAL file.")],
) -> None:
    """Show controls added, removed and changed between two catalog versions."""
    config = settings()
    result = diff_catalogs(_load_for_diff(old, config), _load_for_diff(new, config))
    if result.unchanged:
        out.print(_("No control was added, removed or changed."))
        return
    table = Table(_("Change"), "ID", _("Title"), _("What changed"))
    for row in result.added:
        table.add_row(f"[green]{_('added')}[/green]", row.oscal_id, i18n.pick(row.title, row.title_ja), "")
    for row in result.removed:
        table.add_row(f"[red]{_('removed')}[/red]", row.oscal_id, i18n.pick(row.title, row.title_ja), "")
    for change in result.changed:
        table.add_row(
            f"[yellow]{_('changed')}[/yellow]", change.oscal_id, change.title, ", ".join(change.fields)
        )
    out.print(table)
    out.print(
        _(
            "%(added)s added, %(removed)s removed, %(changed)s changed",
            added=len(result.added),
            removed=len(result.removed),
            changed=len(result.changed),
        )
    )


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UserError(
            _("Cannot read %(path)s: %(reason)s", path=str(path), reason=error.strerror or "")
        ) from None


@intel_app.command("collection-create")
def intel_collection_create(
    title: Annotated[str, typer.Argument(help="Title shown to TAXII clients.")],
    title_ja: Annotated[str, typer.Option(help="Japanese title shown on the pages in Japanese.")] = "",
    alias: Annotated[str | None, typer.Option(help="Short name usable in TAXII URLs.")] = None,
    default_tlp: Annotated[
        str, typer.Option(help="TLP of unmarked objects: clear, green, amber, amber+strict, red.")
    ] = "amber",
    public: Annotated[bool, typer.Option(help="Let anonymous clients read its TLP:CLEAR objects.")] = False,
) -> None:
    """Create a TAXII collection open to every member organisation (audited)."""
    from cyberdelta.audit.service import record
    from cyberdelta.intel import service as intel_service
    from cyberdelta.intel.tlp import Tlp

    if default_tlp not in {level.value for level in Tlp}:
        raise UserError(_("default-tlp: use clear, green, amber, amber+strict or red"))
    engine = engine_for(settings())
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        try:
            collection = intel_service.create_collection(
                session,
                title=title,
                title_ja=title_ja,
                alias=alias,
                default_tlp=Tlp(default_tlp),
                public_read=public,
            )
        except intel_service.CollectionError as error:
            raise UserError(str(error)) from None
        identifier = collection.id
        record(
            session,
            action="intel.collection_created",
            actor_user_id=None,
            organisation_id=None,
            object_type="intel_collection",
            object_id=identifier,
            details={
                "title": title,
                "title_ja": title_ja,
                "alias": alias,
                "default_tlp": default_tlp,
                "public_read": public,
                "via": "cli",
            },
        )
    out.print(_("Created collection %(id)s.", id=identifier))


@intel_app.command("collections")
def intel_collections() -> None:
    """List the TAXII collections."""
    from sqlalchemy import select

    from cyberdelta.intel.models import IntelCollection

    engine = engine_for(settings())
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        rows = list(session.scalars(select(IntelCollection).order_by(IntelCollection.created_at)))
    table = Table("id", _("Alias"), _("Title"), "TLP", _("Public"))
    for row in rows:
        table.add_row(
            row.id,
            row.alias or "",
            i18n.pick(row.title, row.title_ja),
            row.default_tlp,
            "✓" if row.public_read else "",
        )
    out.print(table)


@intel_app.command("grant")
def intel_grant(
    collection: Annotated[str, typer.Argument(help="Collection id or alias.")],
    organisation: Annotated[str, typer.Argument(help="Organisation slug.")],
    read: Annotated[bool, typer.Option(help="May read the collection.")] = True,
    write: Annotated[bool, typer.Option(help="May write to the collection.")] = False,
    members: Annotated[
        bool | None,
        typer.Option(
            "--members/--no-members",
            help="Also open the collection to every member (read and write), or close it to the others; "
            "unchanged when not given.",
        ),
    ] = None,
) -> None:
    """Grant one organisation read/write on a collection (audited; ``--no-members`` closes it to the
    others)."""
    from cyberdelta.audit.service import record
    from cyberdelta.intel import service as intel_service
    from cyberdelta.tenancy.service import get_organisation_by_slug

    engine = engine_for(settings())
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        found = intel_service.find_collection(session, collection)
        if found is None:
            raise UserError(_("collection: no collection %(name)s", name=collection))
        member = get_organisation_by_slug(session, organisation)
        if member is None:
            raise UserError(_("organisation: no organisation %(name)s", name=organisation))
        intel_service.grant(session, found, member.id, can_read=read, can_write=write)
        details: dict[str, object] = {"organisation": member.slug, "can_read": read, "can_write": write}
        if members is not None:
            found.members_read = found.members_write = members
            details["members_read"] = details["members_write"] = members
        record(
            session,
            action="intel.access_granted",
            actor_user_id=None,
            organisation_id=None,
            object_type="intel_collection",
            object_id=found.id,
            details={**details, "via": "cli"},
        )
    out.print(
        _(
            "Access of %(organisation)s to %(collection)s updated.",
            organisation=organisation,
            collection=collection,
        )
    )


@intel_app.command("import")
def intel_import(
    file: Annotated[Path, typer.Argument(help="STIX 2.1 bundle (OpenCTI, MITRE ATT&CK) or MISP event JSON.")],
    collection: Annotated[str, typer.Option(help="Collection id or alias.")],
    organisation: Annotated[str, typer.Option(help="Slug of the publishing organisation.")],
) -> None:
    """Import a STIX bundle or a MISP event into a collection; invalid objects are listed and skipped."""
    from cyberdelta.intel.imports import ImportFormatError, read_objects
    from cyberdelta.intel.publishing import import_objects
    from cyberdelta.intel.service import CollectionError

    config = settings()
    data = _read_file(file)
    try:
        objects = read_objects(data)
    except ImportFormatError as error:
        raise UserError(str(error)) from None
    engine = engine_for(config)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        try:
            status = import_objects(
                session, collection, organisation, objects, full_validation=config.intel_validation == "full"
            )
        except CollectionError as error:
            raise UserError(str(error)) from None
        failures = list(status.failures)
        counts = (status.success_count, status.failure_count)
    for failure in failures[:20]:
        err.print(f"{escape(failure['id'] or '?')}: {escape(failure['message'])}", highlight=False)
    out.print(_("Imported %(ok)s objects, refused %(failed)s.", ok=counts[0], failed=counts[1]))


def main() -> None:
    """Entry point: Typer handles usage errors; our own user errors print without a traceback."""
    try:
        app()
    except (UserError, CatalogError, TenancyError) as error:
        message = error.render() if isinstance(error, CatalogError) else str(error)
        err.print(f"[red]{_('Error')}:[/red] {escape(message)}", markup=True, highlight=False)
        sys.exit(1)
