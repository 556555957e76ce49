"""Collections, their access rules and status resources (TAXII 2.1 §4.3, §5.1-5.2).

Reading and writing objects lives in :mod:`~cyberdelta.intel.store` and
:mod:`~cyberdelta.intel.query`; this module decides which collections a caller may see or use.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cyberdelta.intel.caller import Caller
from cyberdelta.intel.models import (
    IntelCollection,
    IntelCollectionAccess,
    IntelObject,
    IntelPendingEnvelope,
    IntelStatus,
)
from cyberdelta.intel.store import lock_collection
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.tenancy.models import Organisation

ALIAS = re.compile(r"^[a-z0-9][a-z0-9-]{0,98}[a-z0-9]$")
MAX_TITLE = 200
MAX_DESCRIPTION = 4000


class CollectionError(DomainError, ValueError):
    """A collection setting that cannot be used; the message names the field."""

    status = 422


@dataclass(frozen=True)
class CollectionSettings:
    """What an administrator may change on a collection (TAXII 2.1 §5.2 title and description,
    the TLP 2.0 default marking and who may read or write)."""

    title: str
    description: str = ""
    default_tlp: Tlp = Tlp.AMBER
    title_ja: str = ""
    public_read: bool = False
    members_read: bool = True
    members_write: bool = True


def check_settings(values: CollectionSettings) -> None:
    """Refuse settings that cannot be stored; the message starts with the field name."""
    if not values.title.strip():
        raise CollectionError(_("title: must not be empty"))
    if len(values.title.strip()) > MAX_TITLE:
        raise CollectionError(_("title: at most %(max)s characters", max=MAX_TITLE))
    if len(values.title_ja.strip()) > MAX_TITLE:
        raise CollectionError(_("title_ja: at most %(max)s characters", max=MAX_TITLE))
    if len(values.description) > MAX_DESCRIPTION:
        raise CollectionError(_("description: at most %(max)s characters", max=MAX_DESCRIPTION))


def update_collection(
    session: Session, collection: IntelCollection, values: CollectionSettings
) -> dict[str, object]:
    """Apply new settings; return the changed fields as {field: [old, new]} for the audit trail."""
    check_settings(values)
    wanted: dict[str, object] = {
        "title": values.title.strip(),
        "title_ja": values.title_ja.strip(),
        "description": values.description.strip(),
        "default_tlp": Tlp(values.default_tlp).value,
        "public_read": values.public_read,
        "members_read": values.members_read,
        "members_write": values.members_write,
    }
    changes: dict[str, object] = {}
    for name, value in wanted.items():
        old = getattr(collection, name)
        if old != value:
            changes[name] = [old, value]
            setattr(collection, name, value)
    session.flush()
    return changes


def create_collection(
    session: Session,
    *,
    title: str,
    title_ja: str = "",
    alias: str | None = None,
    description: str = "",
    default_tlp: Tlp = Tlp.AMBER,
    public_read: bool = False,
    members_read: bool = True,
    members_write: bool = True,
) -> IntelCollection:
    check_settings(CollectionSettings(title=title, description=description, title_ja=title_ja))
    if alias is not None and ALIAS.match(alias) is None:
        raise CollectionError(
            _("alias: %(alias)s must be 2-100 lowercase letters, digits and hyphens", alias=repr(alias))
        )
    if alias is not None and session.scalar(select(IntelCollection).where(IntelCollection.alias == alias)):
        raise CollectionError(_("alias: %(alias)s is already used by another collection", alias=repr(alias)))
    collection = IntelCollection(
        id=str(uuid.uuid4()),
        alias=alias,
        title=title.strip(),
        title_ja=title_ja.strip(),
        description=description.strip(),
        default_tlp=Tlp(default_tlp).value,
        public_read=public_read,
        members_read=members_read,
        members_write=members_write,
    )
    session.add(collection)
    session.flush()
    return collection


def delete_collection(session: Session, collection: IntelCollection) -> None:
    """Delete a collection that holds no object and no envelope waiting to be stored (a collection
    made by mistake); its grants and status resources go with it (foreign keys cascade). One that
    holds objects stays: members' TAXII clients and their records refer to them.

    The collection's write lock is taken first, so an envelope being stored at the same moment is
    either stored before (and the collection is not empty) or finds the collection gone.
    """
    lock_collection(session.connection(), collection.id)
    stored = session.scalar(
        select(func.count()).select_from(IntelObject).where(IntelObject.collection_id == collection.id)
    )
    held = session.scalar(
        select(func.count())
        .select_from(IntelPendingEnvelope)
        .where(IntelPendingEnvelope.collection_id == collection.id)
    )
    if stored or held:
        raise CollectionError(
            _(
                "collection: it holds %(stored)s objects and %(held)s envelopes waiting to be stored; "
                "only an empty collection can be deleted",
                stored=stored or 0,
                held=held or 0,
            )
        )
    session.delete(collection)
    session.flush()


def grant(
    session: Session, collection: IntelCollection, organisation_id: int, *, can_read: bool, can_write: bool
) -> IntelCollectionAccess:
    """Give one organisation read and/or write on one collection (replacing an earlier grant)."""
    access = session.scalar(
        select(IntelCollectionAccess).where(
            IntelCollectionAccess.collection_id == collection.id,
            IntelCollectionAccess.organisation_id == organisation_id,
        )
    )
    if access is None:
        access = IntelCollectionAccess(collection_id=collection.id, organisation_id=organisation_id)
        session.add(access)
    access.can_read = can_read
    access.can_write = can_write
    session.flush()
    return access


def revoke(session: Session, collection: IntelCollection, organisation_id: int) -> bool:
    """Remove one organisation's grant on a collection; False when it had none."""
    result = session.execute(
        delete(IntelCollectionAccess).where(
            IntelCollectionAccess.collection_id == collection.id,
            IntelCollectionAccess.organisation_id == organisation_id,
        )
    )
    return bool(getattr(result, "rowcount", 0))


def grants(session: Session, collection: IntelCollection) -> list[tuple[Organisation, IntelCollectionAccess]]:
    """The per-organisation grants of a collection with their organisations, by slug."""
    rows = session.execute(
        select(Organisation, IntelCollectionAccess)
        .join(IntelCollectionAccess, IntelCollectionAccess.organisation_id == Organisation.id)
        .where(IntelCollectionAccess.collection_id == collection.id)
        .order_by(Organisation.slug)
    )
    return [(organisation, access) for organisation, access in rows]


def all_collections(session: Session) -> list[IntelCollection]:
    """Every collection, oldest first (the administrators' list)."""
    return list(session.scalars(select(IntelCollection).order_by(IntelCollection.created_at)))


def _grant_for(session: Session, collection: IntelCollection, caller: Caller) -> IntelCollectionAccess | None:
    if caller.organisation_id is None:
        return None
    return session.scalar(
        select(IntelCollectionAccess).where(
            IntelCollectionAccess.collection_id == collection.id,
            IntelCollectionAccess.organisation_id == caller.organisation_id,
        )
    )


def can_read(session: Session, collection: IntelCollection, caller: Caller) -> bool:
    """TAXII 2.1 §5.2 ``can_read`` for this caller (TLP still filters each object afterwards)."""
    if collection.public_read or caller.admin:
        return True
    if not caller.read:
        return False
    if collection.members_read:
        return True
    grant_row = _grant_for(session, collection, caller)
    return grant_row is not None and grant_row.can_read


def can_write(session: Session, collection: IntelCollection, caller: Caller) -> bool:
    """TAXII 2.1 §5.2 ``can_write``: intel:write plus a member-writable collection or a grant."""
    if not caller.write or caller.organisation_id is None:
        return False
    if collection.members_write:
        return True
    grant_row = _grant_for(session, collection, caller)
    return grant_row is not None and grant_row.can_write


def visible_collections(session: Session, caller: Caller) -> list[tuple[IntelCollection, bool, bool]]:
    """Collections the caller may read or write, with (can_read, can_write), oldest first."""
    found: list[tuple[IntelCollection, bool, bool]] = []
    for collection in session.scalars(select(IntelCollection).order_by(IntelCollection.created_at)):
        readable, writable = can_read(session, collection, caller), can_write(session, collection, caller)
        if readable or writable:
            found.append((collection, readable, writable))
    return found


def find_collection(session: Session, identifier: str) -> IntelCollection | None:
    """A collection by id, or by alias (TAXII 2.1 §5.2 allows either in the URL)."""
    found = session.get(IntelCollection, identifier)
    if found is None:
        found = session.scalar(select(IntelCollection).where(IntelCollection.alias == identifier))
    return found


def get_status(session: Session, status_id: str, caller: Caller) -> IntelStatus | None:
    """A status resource, visible only to the organisation that posted the envelope."""
    status = session.get(IntelStatus, status_id)
    if status is None or status.organisation_id != caller.organisation_id:
        return None
    return status
