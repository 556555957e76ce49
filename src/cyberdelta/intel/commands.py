"""``cyberdelta intel …``: TAXII collections, access grants, STIX/MISP imports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cyberdelta.platform import i18n
from cyberdelta.platform.console import UserError, err, out, settings, upgraded_engine
from cyberdelta.platform.console import read_file as _read_file
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.i18n import gettext as _

intel_app = typer.Typer(help="Threat-intelligence hub (STIX 2.1 / TAXII 2.1).", no_args_is_help=True)


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
    from cyberdelta.intel import collection_admin
    from cyberdelta.intel import service as intel_service
    from cyberdelta.intel.tlp import Tlp
    from cyberdelta.platform.actor import Actor

    if default_tlp not in {level.value for level in Tlp}:
        raise UserError(_("default-tlp: use clear, green, amber, amber+strict or red"))
    engine = upgraded_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        try:
            collection = collection_admin.create(
                session,
                Actor.console(),
                title=title,
                title_ja=title_ja,
                alias=alias,
                default_tlp=Tlp(default_tlp),
                public_read=public,
            )
        except intel_service.CollectionError as error:
            raise UserError(str(error)) from None
        identifier = collection.id
    out.print(_("Created collection %(id)s.", id=identifier))


@intel_app.command("collections")
def intel_collections() -> None:
    """List the TAXII collections."""
    from sqlalchemy import select

    from cyberdelta.intel.models import IntelCollection

    engine = upgraded_engine(settings())
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
    from cyberdelta.intel import collection_admin
    from cyberdelta.intel import service as intel_service
    from cyberdelta.platform.actor import Actor
    from cyberdelta.tenancy.service import get_organisation_by_slug

    engine = upgraded_engine(settings())
    with transaction(make_session_factory(engine)) as session:
        found = intel_service.find_collection(session, collection)
        if found is None:
            raise UserError(_("collection: no collection %(name)s", name=collection))
        member = get_organisation_by_slug(session, organisation)
        if member is None:
            raise UserError(_("organisation: no organisation %(name)s", name=organisation))
        collection_admin.grant(
            session, Actor.console(), found, member, can_read=read, can_write=write, members=members
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
    file: Annotated[
        Path, typer.Argument(help="STIX 2.1 or 2.0 bundle (OpenCTI, MITRE ATT&CK) or MISP event JSON.")
    ],
    collection: Annotated[str, typer.Option(help="Collection id or alias.")],
    organisation: Annotated[str, typer.Option(help="Slug of the publishing organisation.")],
) -> None:
    """Import a STIX bundle or a MISP event into a collection; invalid objects are listed and skipped.

    Exits 1 when the file held objects and every one was refused.
    """
    from cyberdelta.intel.imports import ImportFormatError, read_document
    from cyberdelta.intel.publishing import import_objects
    from cyberdelta.intel.service import CollectionError
    from cyberdelta.platform.actor import Actor

    config = settings()
    data = _read_file(file)
    try:
        document = read_document(data)
    except ImportFormatError as error:
        raise UserError(str(error)) from None
    if not document.objects:
        raise UserError(_("%(name)s contains no STIX objects", name=file.name))
    if document.converted_by:
        out.print(
            _(
                "STIX 2.0 file: %(count)s objects converted to STIX 2.1 with %(tool)s.",
                count=len(document.objects),
                tool=document.converted_by,
            ),
            highlight=False,
        )
    for identifier, reason in document.not_converted:
        err.print(f"{escape(identifier or '?')}: {escape(reason)}", highlight=False)
    if document.skipped:
        err.print(_("%(count)s MISP attributes were not imported:", count=len(document.skipped)))
    for item in document.skipped:
        err.print(escape(f"{item.where} ({item.type} {item.value}): {item.reason}"), highlight=False)
    engine = upgraded_engine(config)
    with transaction(make_session_factory(engine)) as session:
        try:
            status = import_objects(
                session,
                collection,
                organisation,
                document.objects,
                actor=Actor.console(),
            )
        except CollectionError as error:
            raise UserError(str(error)) from None
        failures = list(status.failures)
        new = status.new_count or 0
        present, refused, total = status.success_count - new, status.failure_count, status.total_count
    for failure in failures[:20]:
        err.print(f"{escape(failure['id'] or '?')}: {escape(failure['message'])}", highlight=False)
    out.print(
        _(
            "%(total)s objects: %(new)s new, %(present)s already present, %(refused)s refused.",
            total=total,
            new=new,
            present=present,
            refused=refused,
        ),
        highlight=False,
    )
    if total and refused == total:
        err.print(_("Nothing was stored: every object was refused."))
        raise typer.Exit(1)
