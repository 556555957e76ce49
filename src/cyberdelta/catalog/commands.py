"""``cyberdelta catalog …``: list, import, export and compare OSCAL catalogs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import Engine

from cyberdelta.catalog import mappings as catalog_mappings
from cyberdelta.catalog import service as catalog_service
from cyberdelta.catalog.diff import diff_catalogs
from cyberdelta.catalog.errors import Problem
from cyberdelta.catalog.oscal_document import read_catalog
from cyberdelta.catalog.profiles import catalog_urn, level_profile, summarise
from cyberdelta.catalog.publishing import publish_catalog, publish_mapping, publish_profile
from cyberdelta.catalog.spreadsheet import catalog_workbook
from cyberdelta.platform import i18n
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.console import UserError, err, out, settings, upgraded_engine
from cyberdelta.platform.console import read_file as _read_file
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.settings import Settings

catalog_app = typer.Typer(help="Control catalogs (OSCAL).", no_args_is_help=True)


def prepared_engine(config: Settings) -> Engine:
    """An engine on an up-to-date schema with the built-in catalog loaded."""
    return upgraded_engine(config, prepare=_load_builtin_catalog)


def _load_builtin_catalog(engine: Engine) -> None:
    with transaction(make_session_factory(engine)) as session:
        catalog_service.ensure_builtin_catalog(session)


@catalog_app.command("list")
def catalog_list() -> None:
    """List every catalog and its published versions."""
    engine = upgraded_engine(settings())
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
    engine = upgraded_engine(config)
    with transaction(make_session_factory(engine)) as session:
        version = publish_catalog(
            session, Actor.console(), data, file.name, max_bytes=config.max_upload_bytes, key=key
        )
        summary = (version.catalog.key, version.version, version.control_count)
        warnings = catalog_service.warnings_of(version)
    out.print(
        _(
            "Imported %(key)s version %(version)s with %(count)s controls.",
            key=summary[0],
            version=summary[1],
            count=summary[2],
        )
    )
    print_warnings(warnings)


@catalog_app.command("import-profile")
def catalog_import_profile(
    file: Annotated[Path, typer.Argument(help="OSCAL profile, JSON or YAML.")],
    catalog: Annotated[
        str, typer.Option("--catalog", help="Stored catalog it selects from: KEY or KEY@VERSION.")
    ],
    key: Annotated[str | None, typer.Option(help="Catalog key (default: from the title).")] = None,
) -> None:
    """Resolve an OSCAL profile over a stored catalog and publish the result as a new version."""
    config = settings()
    data = _read_file(file)
    engine = upgraded_engine(config)
    with transaction(make_session_factory(engine)) as session:
        version = publish_profile(
            session,
            Actor.console(),
            data,
            file.name,
            catalog_reference=catalog,
            max_bytes=config.max_upload_bytes,
            key=key,
        )
        summary = summarise(version.profile_json or {}, catalog_service.export_document(session, version))
        label = (version.catalog.key, version.version, version.control_count)
        warnings = catalog_service.warnings_of(version)
    out.print(
        _(
            "Imported %(key)s version %(version)s with %(count)s controls.",
            key=label[0],
            version=label[1],
            count=label[2],
        )
    )
    out.print(
        _(
            "The profile sets %(params)s parameters and alters %(alters)s controls.",
            params=len(summary.set_parameters),
            alters=len(summary.alterations),
        )
    )
    print_warnings(warnings)


@catalog_app.command("import-mapping")
def catalog_import_mapping(
    file: Annotated[Path, typer.Argument(help="OSCAL mapping collection, JSON or YAML.")],
    catalog: Annotated[str, typer.Option("--catalog", help="Stored catalog it maps: KEY or KEY@VERSION.")],
) -> None:
    """Import an OSCAL mapping collection (e.g. a NIST CSF 2.0 crosswalk) for a catalog version."""
    config = settings()
    data = _read_file(file)
    engine = prepared_engine(config)
    with transaction(make_session_factory(engine)) as session:
        version = catalog_service.resolve_reference(session, catalog)
        mapping = publish_mapping(
            session, Actor.console(), data, file.name, version, max_bytes=config.max_upload_bytes
        )
        shown = (mapping.entry_count, catalog_mappings.reference_of(version), mapping.oscal_uuid)
    out.print(
        _(
            "Imported %(count)s mapping entries for %(catalog)s (collection %(uuid)s).",
            count=shown[0],
            catalog=shown[1],
            uuid=shown[2],
        ),
        markup=False,
    )


@catalog_app.command("export-mapping")
def catalog_export_mapping(
    catalog: Annotated[str, typer.Argument(help="KEY or KEY@VERSION (newest version by default).")],
    uuid: Annotated[
        str | None, typer.Option("--uuid", help="The collection (needed when there are several).")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="oscal-json or oscal-yaml.")] = "oscal-json",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: standard output).")
    ] = None,
) -> None:
    """Export a mapping collection of a catalog version, as it was imported."""
    if format not in ("oscal-json", "oscal-yaml"):
        raise UserError(_("Unknown format %(format)s: use oscal-json or oscal-yaml", format=format))
    engine = prepared_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        version = catalog_service.resolve_reference(session, catalog)
        if uuid is None:
            found = catalog_mappings.mappings_of(session, version.id)
            if len(found) != 1:
                raise UserError(
                    _(
                        "%(catalog)s has %(count)s mapping collections; choose one with --uuid: %(uuids)s",
                        catalog=catalog,
                        count=len(found),
                        uuids=", ".join(item.oscal_uuid for item in found) or "-",
                    )
                )
            document = found[0].document_json
        else:
            document = catalog_mappings.get_mapping(session, version.id, uuid).document_json
    if format == "oscal-json":
        data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    else:
        import yaml

        data = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
    if out_file is None:
        sys.stdout.buffer.write(data)
    else:
        out_file.write_bytes(data)
        err.print(_("Wrote %(path)s", path=str(out_file)))


WARNINGS_SHOWN = 50


def print_warnings(warnings: list[Problem]) -> None:
    """The import's warnings (docs/catalog.md, "Import warnings"): the first ones, then a count."""
    if not warnings:
        return
    out.print(i18n.ngettext("%(num)s warning:", "%(num)s warnings:", len(warnings)), markup=False)
    for problem in warnings[:WARNINGS_SHOWN]:
        out.print(f"  {problem.render()}", markup=False, soft_wrap=True)
    if len(warnings) > WARNINGS_SHOWN:
        out.print("  " + _("… and %(count)s more", count=len(warnings) - WARNINGS_SHOWN), markup=False)


@catalog_app.command("export")
def catalog_export(
    catalog: Annotated[str, typer.Argument(help="KEY or KEY@VERSION (newest version by default).")],
    format: Annotated[
        str, typer.Option("--format", help="oscal-json, oscal-yaml, xlsx or oscal-profile.")
    ] = "oscal-json",
    level: Annotated[
        str, typer.Option("--level", help="With oscal-profile: the level the profile selects.")
    ] = "basic",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: standard output).")
    ] = None,
) -> None:
    """Export a catalog version as OSCAL JSON/YAML, as an Excel workbook, or one of its levels as
    an OSCAL profile over it (JSON)."""
    if format not in ("oscal-json", "oscal-yaml", "xlsx", "oscal-profile"):
        raise UserError(
            _("Unknown format %(format)s: use oscal-json, oscal-yaml, xlsx or oscal-profile", format=format)
        )
    engine = upgraded_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        found = catalog_service.resolve_reference(session, catalog)
        document = catalog_service.export_document(session, found)
        reference = (found.catalog.key, found.version)
    data: bytes
    if format == "oscal-profile":
        profile = level_profile(document, level, catalog_urn(*reference))
        if not profile["profile"]["imports"][0]["include-controls"][0]["with-ids"]:
            raise UserError(
                _("No control of %(catalog)s has the level %(level)s", catalog=catalog, level=level)
            )
        data = (json.dumps(profile, ensure_ascii=False, indent=2) + "\n").encode()
    elif format == "oscal-json":
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
        engine = upgraded_engine(config)
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
