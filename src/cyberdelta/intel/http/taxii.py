"""The TAXII 2.1 server (OASIS TAXII Version 2.1, Committee Specification 01), section by section.

Routes stay thin: they negotiate media types, read parameters and call the store, query and service
modules. Every error is a TAXII error message (§3.6.1) with the TAXII media type.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from cyberdelta.intel import pending, service
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.http.authentication import CallerDep, taxii_caller
from cyberdelta.intel.http.media import (
    STIX,
    TAXII,
    TaxiiError,
    negotiate,
    require_content_type,
    taxii_response,
)
from cyberdelta.intel.models import IntelCollection, IntelStatus
from cyberdelta.intel.publishing import publish
from cyberdelta.intel.query import FilterError, ObjectFilter, Page, decode_next, delete_versions, read_page
from cyberdelta.intel.store import MissingCollectionError
from cyberdelta.intel.timestamps import TimestampError, format_us, parse_us
from cyberdelta.platform.db.after_commit import after_commit
from cyberdelta.platform.settings import Settings
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep

API_ROOT = "intel"
router = APIRouter(prefix="/taxii2", include_in_schema=False)
OBJECT_MEDIA = (TAXII, STIX)


def _root_url(settings: Settings) -> str:
    """The API root's URL from the configured ``base_url``: never from the request's Host header,
    which any client chooses (docs/intel.md, "No oracles")."""
    return settings.base_url.rstrip("/") + f"/taxii2/{API_ROOT}/"


@router.get("/", dependencies=[Depends(taxii_caller)])
def discovery(request: Request, settings: SettingsDep) -> Response:
    """§4.1 Server Discovery: the server's API roots."""
    negotiate(request.headers.get("accept"))
    root = _root_url(settings)
    return taxii_response(
        {
            "title": "CyberDelta TAXII 2.1",
            "description": "Threat intelligence of crypto-asset exchanges, the SRO and the ISAC (共助).",
            "default": root,
            "api_roots": [root],
        }
    )


@router.get("/{api_root}/", dependencies=[Depends(taxii_caller)])
def api_root(api_root: str, request: Request, settings: SettingsDep) -> Response:
    """§4.2 Get API Root Information."""
    _check_root(api_root)
    negotiate(request.headers.get("accept"))
    return taxii_response(
        {
            "title": "CyberDelta intelligence hub",
            "description": "STIX 2.1 objects under TLP 2.0 sharing rules.",
            "versions": [TAXII],
            "max_content_length": settings.intel_max_content_length,
        }
    )


@router.get("/{api_root}/status/{status_id}/")
def status(
    api_root: str,
    status_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: CallerDep,
) -> Response:
    """§4.3 Get Status: only the organisation that posted the envelope sees its status."""
    _check_root(api_root)
    negotiate(request.headers.get("accept"))
    found = service.get_status(session, status_id, caller)
    if found is None:
        raise TaxiiError(404, "Status not found", f"no status resource {status_id!r} for this organisation")
    waiting = pending.pendings(session, found)
    if waiting and pending.is_stale(session, found):
        # Its job was lost (a crash or a restart): queue one again, after this request's commit.
        after_commit(session, lambda: pending.enqueue(settings))
    return taxii_response(status_document(found, waiting), media_type=TAXII)


@router.get("/{api_root}/collections/")
def collections(api_root: str, request: Request, session: SessionDep, caller: CallerDep) -> Response:
    """§5.1 Get Collections: those the caller may read or write."""
    _check_root(api_root)
    negotiate(request.headers.get("accept"))
    found = [
        _collection_document(collection, readable, writable)
        for collection, readable, writable in service.visible_collections(session, caller)
    ]
    return taxii_response({"collections": found} if found else {})


@router.get("/{api_root}/collections/{collection_id}/")
def collection(
    api_root: str, collection_id: str, request: Request, session: SessionDep, caller: CallerDep
) -> Response:
    """§5.2 Get a Collection."""
    _check_root(api_root)
    negotiate(request.headers.get("accept"))
    found = _readable_or_writable(session, collection_id, caller)
    readable = service.can_read(session, found, caller)
    return taxii_response(_collection_document(found, readable, service.can_write(session, found, caller)))


@router.get("/{api_root}/collections/{collection_id}/manifest/")
def manifest(
    api_root: str, collection_id: str, request: Request, session: SessionDep, caller: CallerDep
) -> Response:
    """§5.3 Get Object Manifests: one entry per visible version, paged like the objects."""
    _check_root(api_root)
    negotiate(request.headers.get("accept"))
    found = _readable(session, collection_id, caller)
    page = read_page(session, found.id, caller.reader, _filter(request))
    entries = [
        {
            "id": row.stix_id,
            "date_added": format_us(row.date_added_us),
            "version": row.version,
            "media_type": STIX,
        }
        for row in page.rows
    ]
    return taxii_response(_envelope_dict(page, "objects", entries), headers=_added_headers(page))


@router.get("/{api_root}/collections/{collection_id}/objects/")
def get_objects(
    api_root: str, collection_id: str, request: Request, session: SessionDep, caller: CallerDep
) -> Response:
    """§5.4 Get Objects, with the §3.5 filters and §3.4 pagination; bodies are returned as stored."""
    _check_root(api_root)
    media_type = negotiate(request.headers.get("accept"), OBJECT_MEDIA)
    found = _readable(session, collection_id, caller)
    page = read_page(session, found.id, caller.reader, _filter(request))
    return _objects_response(page, media_type)


async def read_envelope(request: Request) -> list[object]:
    """The posted envelope's objects, after the media-type and size checks of §5.5 and §4.2."""
    negotiate(request.headers.get("accept"))
    require_content_type(request.headers.get("content-type"))
    limit: int = request.app.state.settings.intel_max_content_length
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    raw = await request.body()
    if len(raw) > limit:
        raise _too_large(limit)
    return _envelope_objects(raw)


@router.post("/{api_root}/collections/{collection_id}/objects/")
def add(
    api_root: str,
    collection_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: CallerDep,
    objects: Annotated[list[object], Depends(read_envelope)],
) -> Response:
    """§5.5 Add Objects: validate each object, store the valid ones, answer with a status resource."""
    _check_root(api_root)
    if caller.organisation_id is None:  # before the lookup: the answer says nothing of existence
        raise TaxiiError(401, "Unauthorized", "send an API token (Bearer, or as the HTTP Basic password)")
    found = service.find_collection(session, collection_id)
    if found is None:
        raise TaxiiError(404, "Collection not found", f"no collection {collection_id!r}")
    if not service.can_write(session, found, caller):
        raise TaxiiError(403, "Forbidden", "this organisation may not write to this collection")
    request_id = getattr(request.state, "request_id", None)
    try:
        if len(objects) > settings.intel_pending_threshold:
            held = pending.stage(session, caller, found, objects, request_id=request_id)
            # Queued after the request's commit: the worker always finds the held envelope.
            after_commit(session, lambda: pending.enqueue(settings))
            return taxii_response(status_document(held, pending.pendings(session, held)), status_code=202)
        actor = actor_of(request, request.state.taxii_principal)
        result = publish(session, caller, found, objects, actor=actor)
    except MissingCollectionError:  # deleted (while empty) since it was looked up
        raise TaxiiError(404, "Collection not found", f"no collection {collection_id!r}") from None
    return taxii_response(status_document(result), status_code=202)


@router.get("/{api_root}/collections/{collection_id}/objects/{object_id}/")
def get_object(
    api_root: str,
    collection_id: str,
    object_id: str,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
) -> Response:
    """§5.6 Get an Object: its versions matching ``match[version]`` (default the last one)."""
    _check_root(api_root)
    media_type = negotiate(request.headers.get("accept"), OBJECT_MEDIA)
    found = _readable(session, collection_id, caller)
    page = read_page(session, found.id, caller.reader, _filter(request, ids=(object_id,)))
    if not page.rows:
        raise TaxiiError(404, "Object not found", f"no visible object {object_id!r} in this collection")
    return _objects_response(page, media_type)


@router.delete("/{api_root}/collections/{collection_id}/objects/{object_id}/")
def delete_object(
    api_root: str,
    collection_id: str,
    object_id: str,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
) -> Response:
    """§5.7 Delete an Object: the publisher's own versions, or any version for intel:admin."""
    _check_root(api_root)
    negotiate(request.headers.get("accept"))
    found = _readable(session, collection_id, caller)
    if not (caller.admin or service.can_write(session, found, caller)):
        raise TaxiiError(403, "Forbidden", "deleting needs write access to this collection")
    query = _filter(request, ids=(object_id,), default_version="all")
    actor = actor_of(request, request.state.taxii_principal)
    deleted = delete_versions(session, actor, found.id, caller.reader, query, any_publisher=caller.admin)
    if deleted == 0:
        raise TaxiiError(
            404, "Object not found", f"no version of {object_id!r} that this organisation may delete"
        )
    return Response(status_code=200)


@router.get("/{api_root}/collections/{collection_id}/objects/{object_id}/versions/")
def versions(
    api_root: str,
    collection_id: str,
    object_id: str,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
) -> Response:
    """§5.8 Get Object Versions: every visible version's ``modified``, oldest added first."""
    _check_root(api_root)
    negotiate(request.headers.get("accept"))
    found = _readable(session, collection_id, caller)
    page = read_page(
        session, found.id, caller.reader, _filter(request, ids=(object_id,), default_version="all")
    )
    if not page.rows:
        raise TaxiiError(404, "Object not found", f"no visible object {object_id!r} in this collection")
    return taxii_response(
        _envelope_dict(page, "versions", [row.version for row in page.rows]), headers=_added_headers(page)
    )


def status_document(result: IntelStatus, pendings: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """§4.3.1 The status resource; ``pendings`` lists the objects of a pending one."""
    return {
        "id": result.id,
        "status": result.status,
        "request_timestamp": format_us(result.request_timestamp_us),
        "total_count": result.total_count,
        "success_count": result.success_count,
        "successes": result.successes,
        "failure_count": result.failure_count,
        "failures": result.failures,
        "pending_count": result.pending_count,
        "pendings": pendings or [],
    }


def _check_root(api_root: str) -> None:
    if api_root != API_ROOT:
        raise TaxiiError(404, "API root not found", f"this server has one API root: {API_ROOT}")


def _collection_document(found: IntelCollection, readable: bool, writable: bool) -> dict[str, Any]:
    """§5.2.1 The collection resource."""
    document: dict[str, Any] = {
        "id": found.id,
        "title": found.title,
        "description": found.description,
        "can_read": readable,
        "can_write": writable,
        "media_types": [STIX],
    }
    if found.alias:
        document["alias"] = found.alias
    return document


def _readable_or_writable(session: SessionDep, collection_id: str, caller: Caller) -> IntelCollection:
    found = service.find_collection(session, collection_id)
    if found is None or not (
        service.can_read(session, found, caller) or service.can_write(session, found, caller)
    ):
        # An anonymous client gets the same answer for a missing collection as for one it may not
        # read (docs/intel.md, "No oracles").
        if caller.organisation_id is None:
            raise TaxiiError(401, "Unauthorized", "this collection needs an API token, or does not exist")
        raise TaxiiError(404, "Collection not found", f"no collection {collection_id!r} for this caller")
    return found


def _readable(session: SessionDep, collection_id: str, caller: Caller) -> IntelCollection:
    found = _readable_or_writable(session, collection_id, caller)
    if not service.can_read(session, found, caller):
        raise TaxiiError(403, "Forbidden", "this organisation may not read this collection")
    return found


def _values(request: Request, name: str) -> list[str]:
    """A filter's values: comma-separated (§3.5) and/or the parameter repeated."""
    return [
        part.strip()
        for value in request.query_params.getlist(name)
        for part in value.split(",")
        if part.strip()
    ]


def _filter(request: Request, ids: tuple[str, ...] = (), default_version: str = "last") -> ObjectFilter:
    settings = request.app.state.settings
    versions = _values(request, "match[version]") or [default_version]
    keywords = [value for value in versions if value in ("first", "last", "all")]
    try:
        times = [parse_us(value) for value in versions if value not in ("first", "last", "all")]
        added_after_text = request.query_params.get("added_after")
        added_after = parse_us(added_after_text) if added_after_text else None
    except TimestampError as error:
        raise TaxiiError(400, "Bad filter", f"match[version] or added_after: {error}") from None
    limit_text = request.query_params.get("limit")
    if limit_text is not None and (not limit_text.isdigit() or int(limit_text) < 1):
        raise TaxiiError(400, "Bad limit", "limit: must be a positive integer")
    limit = min(int(limit_text) if limit_text else settings.intel_page_limit, settings.intel_page_limit)
    next_text = request.query_params.get("next")
    try:
        after_added = decode_next(next_text) if next_text else None
    except FilterError as error:
        raise TaxiiError(400, "Bad next", str(error)) from None
    return ObjectFilter(
        ids=ids or tuple(_values(request, "match[id]")),
        types=tuple(_values(request, "match[type]")),
        versions=tuple(keywords),
        version_times_us=tuple(times),
        spec_versions=tuple(_values(request, "match[spec_version]")),
        added_after_us=added_after,
        limit=limit,
        after_added_us=after_added,
    )


def _added_headers(page: Page) -> dict[str, str]:
    """§3.4.2 X-TAXII-Date-Added-First / -Last of the returned page."""
    if not page.rows:
        return {}
    return {
        "X-TAXII-Date-Added-First": format_us(page.rows[0].date_added_us),
        "X-TAXII-Date-Added-Last": format_us(page.rows[-1].date_added_us),
    }


def _envelope_dict(page: Page, key: str, items: list[Any]) -> dict[str, Any]:
    document: dict[str, Any] = {"more": page.more}
    if page.next_token:
        document["next"] = page.next_token
    if items:
        document[key] = items
    return document


def _objects_response(page: Page, media_type: str) -> Response:
    """§3.7 the envelope, assembled from the stored JSON text without parsing it again."""
    head = '{"more":' + ("true" if page.more else "false")
    if page.next_token:
        head += ',"next":' + json.dumps(page.next_token)
    if page.rows:
        head += ',"objects":[' + ",".join(row.body for row in page.rows) + "]"
    return taxii_response(head + "}", media_type=media_type, headers=_added_headers(page))


def _envelope_objects(raw: bytes) -> list[object]:
    """§3.7 a posted envelope: a JSON object whose ``objects`` is a list."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise TaxiiError(400, "Malformed JSON", f"the body is not valid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("objects"), list):
        raise TaxiiError(
            400, "Not an envelope", "objects: the body must be a TAXII envelope with an objects list"
        )
    objects: list[object] = document["objects"]
    return objects


def _too_large(limit: int) -> TaxiiError:
    return TaxiiError(
        413, "Request Entity Too Large", f"the envelope exceeds max_content_length ({limit} bytes)"
    )
