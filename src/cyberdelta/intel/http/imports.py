"""The import page (docs/intel.md, "load MITRE
ATT&CK enterprise data when the user provides the bundle").

A member with intel:write uploads a STIX 2.1 bundle (§8; OpenCTI and MITRE ATT&CK exports are
bundles) or a MISP event JSON export into a collection it may write. The file is converted by
:mod:`~cyberdelta.intel.imports` and stored through :func:`~cyberdelta.intel.publishing.publish`,
the path of TAXII 2.1 "Add Objects" (§5.5): the same validation, TLP 2.0 rules and anonymous
publishing. Invalid objects are refused one by one with the reason (object id and property); a file
that is not JSON, not a recognised format or too large is rejected whole and stores nothing.

A file of more objects than ``CYBERDELTA_INTEL_PENDING_THRESHOLD`` is stored in the background like
a large TAXII envelope (§5.5 ``pending``; :mod:`cyberdelta.intel.pending`): the page answers at
once and follows the status resource until it is complete.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response

from cyberdelta.intel import service
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.file_import import import_file
from cyberdelta.intel.forms import FormError
from cyberdelta.intel.http.authentication import caller_for
from cyberdelta.intel.imports import ImportFormatError, read_document
from cyberdelta.intel.models import IntelCollection, IntelStatus
from cyberdelta.intel.publishing import isac
from cyberdelta.intel.store import ANONYMOUS_PROPERTY
from cyberdelta.intel.tlp import LEVEL_BY_MARKING_ID, ORDER, TLP2_MARKING_IDS, Tlp
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.templating import render
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

# Included by :mod:`cyberdelta.intel.http.feed` under its ``/intel`` prefix.
router = APIRouter(prefix="/import")
Writer = Annotated[Principal, Depends(require(Permission.INTEL_WRITE))]
MAX_LISTED_FAILURES = 200


def format_names() -> dict[str, str]:
    """How each recognised file format is named on the page."""
    return {
        "stix": _("STIX 2.1 bundle"),
        "opencti": _("OpenCTI export (STIX 2.1 bundle)"),
        "attack": _("MITRE ATT&CK bundle (STIX 2.1)"),
        "misp": _("MISP event (JSON)"),
        "stix20": _("STIX 2.0 bundle, converted to STIX 2.1 with stix2-elevator"),
        "opencti20": _("OpenCTI export (STIX 2.0 bundle), converted to STIX 2.1 with stix2-elevator"),
        "attack20": _("MITRE ATT&CK bundle (STIX 2.0), converted to STIX 2.1 with stix2-elevator"),
    }


def _writable(session: SessionDep, caller: Caller) -> list[IntelCollection]:
    return [item for item, _read, can_write in service.visible_collections(session, caller) if can_write]


def _page(
    request: Request,
    session: SessionDep,
    caller: Caller,
    values: dict[str, str],
    *,
    error: FormError | None = None,
    result: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "collections": _writable(session, caller),
        "levels": ORDER,
        "values": values,
        "error": error,
        "result": result,
        "formats": format_names(),
    }
    return render(request, "intel/import.html", context, status_code=status_code)


def mark_unmarked(objects: list[object], level: Tlp) -> list[object]:
    """Give every object without a TLP marking the chosen TLP 2.0 marking (copies, not in place).

    Marking definitions themselves are left alone; other markings (e.g. ATT&CK's copyright
    statement) are kept next to the TLP one.
    """
    marked: list[object] = []
    for item in objects:
        if isinstance(item, dict) and item.get("type") != "marking-definition":
            refs = item.get("object_marking_refs")
            refs = refs if isinstance(refs, list) else []
            if not any(isinstance(ref, str) and ref in LEVEL_BY_MARKING_ID for ref in refs):
                item = {**item, "object_marking_refs": [*refs, TLP2_MARKING_IDS[level]]}
        marked.append(item)
    return marked


def anonymise_all(objects: list[object]) -> list[object]:
    """Ask for every object to be published anonymously (copies; the store replaces the identity)."""
    return [{**item, ANONYMOUS_PROPERTY: True} if isinstance(item, dict) else item for item in objects]


def outcome(status: IntelStatus, file: str, kind: str, collection: IntelCollection) -> dict[str, Any]:
    """What the page shows of an import: its status resource (TAXII 2.1 §4.3.1) and the file; of
    the objects accepted, ``new`` were stored by this import and ``present`` had been before."""
    new = status.new_count if status.new_count is not None else status.success_count
    return {
        "status": status.id,
        "pending": status.status == "pending",
        "file": file,
        "format": kind,
        "collection": collection,
        "total": status.total_count,
        "stored": status.success_count,
        "new": new,
        "present": status.success_count - new,
        "refused": status.failure_count,
        "failures": list(status.failures)[:MAX_LISTED_FAILURES],
        # What reading the file changed or left out (shown by the page that submitted it).
        "converted_by": None,
        "not_converted": [],
        "skipped": [],
        "skipped_count": 0,
    }


@router.get("")
def import_form(request: Request, session: SessionDep, principal: Writer) -> Response:
    """Choose a file, a collection and the TLP of objects that arrive unmarked."""
    return _page(request, session, caller_for(principal), {"tlp": ""})


@router.post("")
def import_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Writer,
    file: Annotated[UploadFile | None, File()] = None,
    collection: Annotated[str, Form()] = "",
    tlp: Annotated[str, Form()] = "",
    anonymous: Annotated[str, Form()] = "",
) -> Response:
    """Import one file; the result lists what was stored and every refused object with its reason.

    A plain (not ``async``) handler: reading, validating and storing run in the server's worker
    threads, never on its event loop.
    """
    caller = caller_for(principal)
    values = {"collection": collection, "tlp": tlp, "anonymous": anonymous}
    data = file.file.read(settings.max_upload_bytes + 1) if file is not None else b""
    name = (file.filename or "") if file is not None else ""
    try:
        target = service.find_collection(session, collection)
        if target is None or not service.can_write(session, target, caller):
            raise FormError("collection", _("choose a collection you may publish to"))
        if tlp and tlp not in {level.value for level in Tlp}:
            raise FormError("tlp", _("choose a TLP level"))
        if anonymous and isac(session) is None:
            raise FormError("anonymous", _("no ISAC is registered to publish for you"))
        if not data:
            raise FormError("file", _("choose a file to import"))
        if len(data) > settings.max_upload_bytes:
            raise FormError("file", _("the file is larger than %(max)s bytes", max=settings.max_upload_bytes))
        try:
            document = read_document(data)
        except ImportFormatError as error:
            raise FormError("file", f"{name}: {error}") from None
        kind, objects = document.format_key, document.objects
        if not objects:
            raise FormError("file", _("%(name)s contains no STIX objects", name=name))
    except FormError as error:
        # Nothing was written: every check above comes before the first change.
        return _page(request, session, caller, values, error=error, status_code=422)
    if tlp:
        objects = mark_unmarked(objects, Tlp(tlp))
    if anonymous:
        objects = anonymise_all(objects)
    status = import_file(
        session,
        settings,
        actor_of(request, principal),
        caller,
        target,
        objects,
        name=name,
        data=data,
        kind=kind,
        anonymous=bool(anonymous),
    )
    result = outcome(status, name, kind, target)
    result.update(
        converted_by=document.converted_by,
        not_converted=document.not_converted,
        skipped=document.skipped[:MAX_LISTED_FAILURES],
        skipped_count=len(document.skipped),
    )
    return _page(request, session, caller, values, result=result)


@router.get("/status/{status_id}")
def import_status(
    request: Request,
    session: SessionDep,
    principal: Writer,
    status_id: str,
    file: str = "",
    kind: Annotated[str, Query(alias="format")] = "stix",
) -> Response:
    """Where a background import stands (polled by the page until it is complete).

    Only the organisation that imported the file sees its status (as TAXII 2.1 §4.3 Get Status);
    ``file`` and ``format`` only label the result (the file name is the importer's own).
    """
    caller = caller_for(principal)
    status = session.get(IntelStatus, status_id)
    if status is None or status.organisation_id != caller.organisation_id:
        raise HTTPException(status_code=404)
    target = session.get(IntelCollection, status.collection_id)
    if target is None:
        raise HTTPException(status_code=404)
    result = outcome(status, file[:255], kind if kind in format_names() else "stix", target)
    if request.headers.get("hx-request") == "true":
        return render(request, "intel/_import_result.html", {"result": result, "formats": format_names()})
    return _page(request, session, caller, {"collection": target.id, "tlp": ""}, result=result)
