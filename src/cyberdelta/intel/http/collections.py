"""Collection administration (docs/intel.md, "each collection
has a default marking for unmarked objects").

Holders of intel:admin (ISAC and SRO analysts, the platform admin) list the TAXII 2.1 collections
(§5.1-5.2), create one, change its description, default TLP 2.0 marking and who may read or write,
and grant or revoke read and write per organisation. Every change is one transaction with one entry
in the audit trail; invalid input re-renders the form with the field named and stores nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from cyberdelta.intel import collection_admin, service
from cyberdelta.intel.forms import FormError
from cyberdelta.intel.models import IntelCollection
from cyberdelta.intel.service import CollectionError, CollectionSettings
from cyberdelta.intel.tlp import ORDER, Tlp
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.public_ids import OrganisationId
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import redirect_to
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal
from cyberdelta.tenancy.service import get_organisation, list_organisations

# Included by :mod:`cyberdelta.intel.http.feed` under its ``/intel`` prefix.
router = APIRouter(prefix="/collections")
Admin = Annotated[Principal, Depends(require(Permission.INTEL_ADMIN))]
Field = Annotated[str, Form()]


def _form_error(error: CollectionError) -> FormError:
    field, _sep, reason = str(error).partition(": ")
    return FormError(field, reason) if reason else FormError("title", field)


def _settings(
    title: str, title_ja: str, description: str, default_tlp: str, flags: dict[str, str]
) -> CollectionSettings:
    if default_tlp not in {level.value for level in Tlp}:
        raise FormError("default_tlp", _("choose a TLP level"))
    return CollectionSettings(
        title=title,
        title_ja=title_ja,
        description=description,
        default_tlp=Tlp(default_tlp),
        public_read=bool(flags.get("public_read")),
        members_read=bool(flags.get("members_read")),
        members_write=bool(flags.get("members_write")),
    )


def _load(session: SessionDep, collection_id: str) -> IntelCollection:
    found = service.find_collection(session, collection_id)
    if found is None:
        raise HTTPException(
            status_code=404, detail=_("collection: no collection %(name)s", name=collection_id)
        )
    return found


def _list_page(
    request: Request, session: SessionDep, values: dict[str, Any], error: FormError | None = None
) -> Response:
    context: dict[str, Any] = {
        "collections": service.all_collections(session),
        "levels": ORDER,
        "values": values,
        "error": error,
        "saved": request.query_params.get("saved"),
    }
    return render(request, "intel/collections.html", context, status_code=422 if error else 200)


def _edit_page(
    request: Request,
    session: SessionDep,
    collection: IntelCollection,
    *,
    values: dict[str, Any] | None = None,
    error: FormError | None = None,
) -> Response:
    organisations = [
        item for item in list_organisations(session) if item.kind != OrganisationKind.OPERATOR.value
    ]
    current = {
        "title": collection.title,
        "title_ja": collection.title_ja,
        "description": collection.description,
        "default_tlp": collection.default_tlp,
        "public_read": collection.public_read,
        "members_read": collection.members_read,
        "members_write": collection.members_write,
    }
    context = {
        "collection": collection,
        "grants": service.grants(session, collection),
        "organisations": organisations,
        "levels": ORDER,
        "values": values or current,
        "error": error,
        "saved": request.query_params.get("saved"),
    }
    return render(request, "intel/collection.html", context, status_code=422 if error else 200)


@router.get("")
def collections_page(request: Request, session: SessionDep, principal: Admin) -> Response:
    """Every collection with its default TLP and access, and the form to create one."""
    return _list_page(request, session, {"default_tlp": Tlp.AMBER.value, "members_read": "yes"})


@router.post("")
def create_collection(
    request: Request,
    session: SessionDep,
    principal: Admin,
    title: Field = "",
    title_ja: Field = "",
    alias: Field = "",
    description: Field = "",
    default_tlp: Field = "amber",
    public_read: Field = "",
    members_read: Field = "",
    members_write: Field = "",
) -> Response:
    """Create a collection; an invalid field re-renders the form and nothing is stored."""
    flags = {"public_read": public_read, "members_read": members_read, "members_write": members_write}
    values = {"title": title, "title_ja": title_ja, "alias": alias, "description": description,
              "default_tlp": default_tlp, **flags}  # fmt: skip
    try:
        wanted = _settings(title, title_ja, description, default_tlp, flags)
        collection = collection_admin.create(
            session,
            actor_of(request, principal),
            title=wanted.title,
            title_ja=wanted.title_ja,
            alias=alias.strip() or None,
            description=wanted.description,
            default_tlp=wanted.default_tlp,
            public_read=wanted.public_read,
            members_read=wanted.members_read,
            members_write=wanted.members_write,
        )
    except CollectionError as error:
        return _list_page(request, session, values, _form_error(error))
    except FormError as error:
        return _list_page(request, session, values, error)
    return redirect_to(
        request, "intel.collection_page", collection_id=collection.id, query={"saved": "created"}
    )


@router.get("/{collection_id}")
def collection_page(request: Request, session: SessionDep, principal: Admin, collection_id: str) -> Response:
    """One collection: its settings and the organisations granted read or write."""
    return _edit_page(request, session, _load(session, collection_id))


@router.post("/{collection_id}")
def update_collection(
    request: Request,
    session: SessionDep,
    principal: Admin,
    collection_id: str,
    title: Field = "",
    title_ja: Field = "",
    description: Field = "",
    default_tlp: Field = "",
    public_read: Field = "",
    members_read: Field = "",
    members_write: Field = "",
) -> Response:
    """Change title, description, default TLP and openness; audited with the old and new values."""
    collection = _load(session, collection_id)
    flags = {"public_read": public_read, "members_read": members_read, "members_write": members_write}
    values = {"title": title, "title_ja": title_ja, "description": description, "default_tlp": default_tlp,
              **flags}  # fmt: skip
    try:
        collection_admin.update(
            session,
            actor_of(request, principal),
            collection,
            _settings(title, title_ja, description, default_tlp, flags),
        )
    except CollectionError as error:
        return _edit_page(request, session, collection, values=values, error=_form_error(error))
    except FormError as error:
        return _edit_page(request, session, collection, values=values, error=error)
    return redirect_to(
        request, "intel.collection_page", collection_id=collection.id, query={"saved": "settings"}
    )


@router.post("/{collection_id}/delete")
def delete_collection(
    request: Request, session: SessionDep, principal: Admin, collection_id: str
) -> Response:
    """Delete an empty collection (audited); one that holds objects is refused with the reason."""
    collection = _load(session, collection_id)
    try:
        collection_admin.delete(session, actor_of(request, principal), collection)
    except CollectionError as error:
        return _edit_page(request, session, collection, error=_form_error(error))
    return redirect_to(request, "intel.collections_page", query={"saved": "deleted"})


@router.post("/{collection_id}/grants")
def grant_access(
    request: Request,
    session: SessionDep,
    principal: Admin,
    collection_id: str,
    organisation: Field = "",
    can_read: Field = "",
    can_write: Field = "",
) -> Response:
    """Grant one organisation read and/or write (replacing its earlier grant)."""
    collection = _load(session, collection_id)
    member = get_organisation(session, int(organisation)) if organisation.isdigit() else None
    error: FormError | None = None
    if member is None or member.kind == OrganisationKind.OPERATOR.value:
        error = FormError("organisation", _("choose an organisation"))
    elif not can_read and not can_write:
        error = FormError("can_read", _("choose read, write or both; to remove access, revoke the grant"))
    if error is not None or member is None:
        return _edit_page(request, session, collection, error=error)
    collection_admin.grant(
        session,
        actor_of(request, principal),
        collection,
        member,
        can_read=bool(can_read),
        can_write=bool(can_write),
    )
    return redirect_to(
        request, "intel.collection_page", collection_id=collection.id, query={"saved": "grant"}
    )


@router.post("/{collection_id}/grants/{organisation_id}/revoke")
def revoke_access(
    request: Request,
    session: SessionDep,
    principal: Admin,
    collection_id: str,
    organisation_id: OrganisationId,
) -> Response:
    """Remove one organisation's grant; an organisation without a grant answers 404."""
    collection = _load(session, collection_id)
    member = get_organisation(session, organisation_id)
    if member is None or not collection_admin.revoke(
        session, actor_of(request, principal), collection, member
    ):
        raise HTTPException(status_code=404, detail=_("organisation: no grant to revoke"))
    return redirect_to(
        request, "intel.collection_page", collection_id=collection.id, query={"saved": "revoked"}
    )
