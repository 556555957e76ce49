"""Catalog pages that change what is stored: importing an OSCAL profile (with its source catalog)
and an OSCAL mapping collection; the export of a stored mapping collection (docs/catalog.md,
"Profiles" and "Mappings"). Importing needs ``catalog:manage`` (the platform operator); each
import is one savepoint, so a refused file leaves nothing behind, and is audited by the service."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from cyberdelta.catalog import mappings, service
from cyberdelta.catalog.errors import CatalogError, CatalogImportError
from cyberdelta.catalog.publishing import publish_catalog, publish_mapping, publish_profile
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["catalogs"])
Manager = Annotated[Principal, Depends(require(Permission.CATALOG_MANAGE))]
FileField = Annotated[UploadFile | None, File()]


def _problems(error: CatalogError) -> list[str]:
    if isinstance(error, CatalogImportError):
        head = _("%(source)s was not imported:", source=error.source)
        return [head, *(problem.render() for problem in error.problems)]
    return [error.render()]


def _read(upload: UploadFile | None, limit: int) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        return b"", ""
    return upload.file.read(limit + 1), upload.filename


@pages.get("/catalogs/profiles/new", response_class=HTMLResponse)
def profile_form(request: Request, session: SessionDep, principal: Manager) -> HTMLResponse:
    return render(
        request, "catalog/profile_upload.html", {"versions": service.list_versions(session), "problems": []}
    )


@pages.post("/catalogs/profiles", response_class=HTMLResponse)
def profile_upload(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Manager,
    profile: FileField = None,
    catalog_file: FileField = None,
    source: Annotated[str, Form(max_length=220)] = "",
    key: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Resolve the profile over the chosen stored version, or over the catalog file sent with it
    (imported first, in the same savepoint)."""
    limit = settings.max_upload_bytes
    data, name = _read(profile, limit)
    catalog_data, catalog_name = _read(catalog_file, limit)
    problems: list[str] = []
    if not data:
        problems.append(_("profile: choose the OSCAL profile file (JSON or YAML)"))
    if not catalog_data and not source:
        problems.append(_("source: choose a stored catalog version or send the source catalog file"))
    if not problems:
        actor = actor_of(request, principal)
        try:
            with session.begin_nested():
                reference = source
                if catalog_data:
                    imported = publish_catalog(session, actor, catalog_data, catalog_name, max_bytes=limit)
                    reference = mappings.reference_of(imported)
                version = publish_profile(
                    session, actor, data, name, catalog_reference=reference, max_bytes=limit, key=key or None
                )
                target = (version.catalog.key, version.version)
        except CatalogError as error:
            problems = _problems(error)
    if problems:
        context = {"versions": service.list_versions(session), "problems": problems}
        return render(request, "catalog/profile_upload.html", context, 422)
    return redirect_to(request, "catalog.profile_page", key=target[0], version=target[1])


@pages.get("/catalogs/{key}/{version}/mappings/new", response_class=HTMLResponse)
def mapping_form(
    request: Request, session: SessionDep, principal: Manager, key: str, version: str
) -> HTMLResponse:
    found = service.get_version(session, key, version)
    return render(request, "catalog/mapping_upload.html", {"version": found, "problems": []})


@pages.post("/catalogs/{key}/{version}/mappings", response_class=HTMLResponse)
def mapping_upload(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Manager,
    key: str,
    version: str,
    file: FileField = None,
) -> Response:
    found = service.get_version(session, key, version)
    data, name = _read(file, settings.max_upload_bytes)
    problems = [] if data else [_("file: choose the OSCAL mapping collection (JSON or YAML)")]
    if data:
        try:
            with session.begin_nested():
                publish_mapping(
                    session,
                    actor_of(request, principal),
                    data,
                    name,
                    found,
                    max_bytes=settings.max_upload_bytes,
                )
        except CatalogError as error:
            problems = _problems(error)
    if problems:
        return render(request, "catalog/mapping_upload.html", {"version": found, "problems": problems}, 422)
    return redirect_to(request, "catalog.catalog_tree", key=key, version=version)


@api.get(
    "/catalogs/{key}/versions/{version}/mappings/{mapping_uuid}",
    responses={200: {"content": {"application/oscal+json": {"schema": {"type": "object"}}}}},
    response_class=Response,
)
def api_export_mapping(session: SessionDep, key: str, version: str, mapping_uuid: str) -> Response:
    """A mapping collection of the version (OSCAL JSON), as it was imported."""
    found = service.get_version(session, key, version)
    mapping = mappings.get_mapping(session, found.id, mapping_uuid)
    return Response(
        json.dumps(mapping.document_json, ensure_ascii=False, indent=2),
        media_type="application/oscal+json",
        headers={
            "Content-Disposition": f'attachment; filename="{key}-{version}-mapping-{mapping_uuid}.json"'
        },
    )
