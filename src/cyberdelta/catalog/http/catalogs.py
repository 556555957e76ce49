"""Catalog pages (tree, control, search, diff) and JSON API (list, OSCAL and Excel export)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from cyberdelta.catalog import mappings, service
from cyberdelta.catalog.csf import carried_subcategories, csf_core
from cyberdelta.catalog.diff import diff_catalogs
from cyberdelta.catalog.profile_versions import source_of
from cyberdelta.catalog.profiles import catalog_urn, level_profile, summarise
from cyberdelta.catalog.schemas import CatalogVersionOut, ControlOut
from cyberdelta.catalog.spreadsheet import catalog_workbook
from cyberdelta.catalog.views import build_tree, control_detail, control_item, resource_titles
from cyberdelta.platform.i18n import gettext
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.templating import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["catalogs"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pages.get("/catalogs", response_class=HTMLResponse)
def catalog_list(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "catalog/list.html", {"versions": service.list_versions(session)})


@pages.get("/catalogs/{key}/{version}", response_class=HTMLResponse)
def catalog_tree(request: Request, session: SessionDep, key: str, version: str) -> HTMLResponse:
    found = service.get_version(session, key, version)
    roots, loose = build_tree(service.groups_of(session, found.id), service.controls_of(session, found.id))
    siblings = [row for row in service.list_versions(session) if row.key == key]
    return render(
        request,
        "catalog/tree.html",
        {
            "version": found,
            "roots": roots,
            "loose": loose,
            "siblings": siblings,
            "warnings": [problem.render() for problem in service.warnings_of(found)],
            "has_basic": service.has_level(session, found.id, "basic"),
            "mapping_sets": mappings.mappings_of(session, found.id),
        },
    )


@pages.get("/catalogs/{key}/{version}/controls/{control_id}", response_class=HTMLResponse)
def control_page(
    request: Request, session: SessionDep, key: str, version: str, control_id: str
) -> HTMLResponse:
    found = service.get_version(session, key, version)
    control = service.get_control(session, found.id, control_id)
    if control is None:
        raise HTTPException(status_code=404, detail=gettext("No such control"))
    detail = control_detail(
        control,
        resource_titles(found.back_matter_json),
        service.control_ids_of(session, found.id),
        found.params_json,
    )
    mapped = mappings.mapped_items(session, found.id, control_id)
    covered = carried_subcategories(control.body_json) + [
        item.other_id for item in mapped if item.csf and item.relationship != mappings.NO_RELATIONSHIP
    ]
    core = csf_core()
    csf = [found_item for ident in dict.fromkeys(covered) if (found_item := core.subcategory(ident))]
    return render(
        request,
        "catalog/control.html",
        {
            "version": found,
            "control": detail,
            "csf": csf,
            "mapped": [item for item in mapped if not item.csf],
        },
    )


@pages.get("/catalogs/{key}/{version}/profile", response_class=HTMLResponse)
def profile_page(request: Request, session: SessionDep, key: str, version: str) -> HTMLResponse:
    """What the OSCAL profile this version was resolved from selects, sets and alters."""
    found = service.get_version(session, key, version)
    if found.profile_json is None:
        raise HTTPException(status_code=404, detail=gettext("This catalog version is not a resolved profile"))
    source = source_of(session, found)
    summary = summarise(found.profile_json, service.export_document(session, found))
    source_label = f"{source.catalog.key}@{source.version}" if source else "-"
    return render(
        request,
        "catalog/profile.html",
        {"version": found, "summary": summary, "source": source, "source_label": source_label},
    )


@pages.get("/catalogs/{key}/{version}/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    key: str,
    version: str,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    found = service.get_version(session, key, version)
    results = [control_item(row) for row in service.search_controls(session, found.id, q)]
    return render(request, "catalog/search.html", {"version": found, "query": q, "results": results})


@pages.get("/catalogs/{key}/diff/{old}/{new}", response_class=HTMLResponse)
def diff_page(request: Request, session: SessionDep, key: str, old: str, new: str) -> HTMLResponse:
    before = service.get_version(session, key, old)
    after = service.get_version(session, key, new)
    result = diff_catalogs(
        service.export_document(session, before)["catalog"],
        service.export_document(session, after)["catalog"],
    )
    return render(request, "catalog/diff.html", {"key": key, "old": before, "new": after, "diff": result})


@api.get("/catalogs", response_model=list[CatalogVersionOut])
def api_catalogs(session: SessionDep) -> list[CatalogVersionOut]:
    """Every published catalog version."""
    return [
        CatalogVersionOut(
            key=row.key,
            version=row.version,
            title=row.title,
            title_ja=row.title_ja,
            control_count=row.control_count,
            builtin=row.builtin,
            imported_at=row.imported_at,
        )
        for row in service.list_versions(session)
    ]


@api.get("/catalogs/{key}/versions/{version}/controls", response_model=list[ControlOut])
def api_controls(
    session: SessionDep, key: str, version: str, q: Annotated[str, Query(max_length=200)] = ""
) -> list[ControlOut]:
    """The controls of a version, optionally only those matching a search."""
    found = service.get_version(session, key, version)
    rows = (
        service.search_controls(session, found.id, q, limit=5000)
        if q
        else service.controls_of(session, found.id)
    )
    return [ControlOut.model_validate(row) for row in rows]


@api.get(
    "/catalogs/{key}/versions/{version}/oscal",
    responses={200: {"content": {"application/oscal.catalog+json": {"schema": {"type": "object"}}}}},
    response_class=Response,
)
def api_export_oscal(session: SessionDep, key: str, version: str) -> Response:
    """The version as an OSCAL catalog (JSON)."""
    found = service.get_version(session, key, version)
    document: dict[str, Any] = service.export_document(session, found)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(
        body,
        media_type="application/oscal.catalog+json",
        headers={"Content-Disposition": f'attachment; filename="{key}-{version}.json"'},
    )


@api.get(
    "/catalogs/{key}/versions/{version}/profile",
    responses={200: {"content": {"application/oscal.profile+json": {"schema": {"type": "object"}}}}},
    response_class=Response,
)
def api_export_profile(
    session: SessionDep,
    key: str,
    version: str,
    level: Annotated[str, Query(max_length=40, pattern=r"^[a-z][a-z0-9-]*$")] = "basic",
) -> Response:
    """The controls of one level (``basic`` by default) as an OSCAL profile over this version."""
    found = service.get_version(session, key, version)
    profile = level_profile(service.export_document(session, found), level, catalog_urn(key, version))
    if not profile["profile"]["imports"][0]["include-controls"][0]["with-ids"]:
        raise HTTPException(status_code=404, detail=gettext("No control has this level"))
    return Response(
        json.dumps(profile, ensure_ascii=False, indent=2),
        media_type="application/oscal.profile+json",
        headers={"Content-Disposition": f'attachment; filename="{key}-{version}-{level}-profile.json"'},
    )


@api.get(
    "/catalogs/{key}/versions/{version}/xlsx",
    responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
    response_class=Response,
)
def api_export_xlsx(session: SessionDep, key: str, version: str) -> Response:
    """The version as an Excel workbook."""
    found = service.get_version(session, key, version)
    data = catalog_workbook(service.export_document(session, found)["catalog"])
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{key}-{version}.xlsx"'}
    )
