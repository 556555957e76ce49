"""Collections, their access rules and status resources (TAXII 2.1 §4.3, §5.1-5.2).

Reading and writing objects lives in :mod:`~cyberdelta.intel.store` and
:mod:`~cyberdelta.intel.query`; this module decides which collections a caller may see or use.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.intel.caller import Caller
from cyberdelta.intel.models import IntelCollection, IntelCollectionAccess, IntelStatus
from cyberdelta.intel.tlp import Tlp


class CollectionError(ValueError):
    """A collection setting that cannot be used; the message names the field."""


def create_collection(
    session: Session,
    *,
    title: str,
    alias: str | None = None,
    description: str = "",
    default_tlp: Tlp = Tlp.AMBER,
    public_read: bool = False,
    members_read: bool = True,
    members_write: bool = True,
) -> IntelCollection:
    if not title.strip():
        raise CollectionError("title: must not be empty")
    if alias is not None and session.scalar(select(IntelCollection).where(IntelCollection.alias == alias)):
        raise CollectionError(f"alias: {alias!r} is already used by another collection")
    collection = IntelCollection(
        id=str(uuid.uuid4()),
        alias=alias,
        title=title.strip(),
        description=description,
        default_tlp=Tlp(default_tlp).value,
        public_read=public_read,
        members_read=members_read,
        members_write=members_write,
    )
    session.add(collection)
    session.flush()
    return collection


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
