"""What the hub's administrators do to TAXII collections, each audited with its actor
(docs/intel.md, "Collections"; docs/architecture.md, "Actors and the audit trail"): the same entry
from the collections pages as from ``cyberdelta intel create-collection|grant``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cyberdelta.intel import service
from cyberdelta.intel.models import IntelCollection, IntelCollectionAccess
from cyberdelta.intel.service import CollectionSettings
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.tenancy.models import Organisation

OBJECT_TYPE = "intel_collection"


def create(
    session: Session,
    actor: Actor,
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
    collection = service.create_collection(
        session,
        title=title,
        title_ja=title_ja,
        alias=alias,
        description=description,
        default_tlp=default_tlp,
        public_read=public_read,
        members_read=members_read,
        members_write=members_write,
    )
    audit(
        session,
        actor,
        "intel.collection_created",
        object_type=OBJECT_TYPE,
        object_id=collection.id,
        details={
            "title": collection.title,
            "title_ja": collection.title_ja,
            "alias": collection.alias,
            "default_tlp": collection.default_tlp,
            "public_read": collection.public_read,
            "members_read": collection.members_read,
            "members_write": collection.members_write,
        },
    )
    return collection


def update(
    session: Session, actor: Actor, collection: IntelCollection, values: CollectionSettings
) -> dict[str, object]:
    """Apply new settings; audited with each changed field's old and new value (nothing when none)."""
    changes = service.update_collection(session, collection, values)
    if changes:
        audit(
            session,
            actor,
            "intel.collection_updated",
            object_type=OBJECT_TYPE,
            object_id=collection.id,
            details={"changes": changes},
        )
    return changes


def delete(session: Session, actor: Actor, collection: IntelCollection) -> None:
    """Delete an empty collection (:func:`service.delete_collection` refuses one that holds objects)."""
    identity = {"title": collection.title, "alias": collection.alias}
    identifier = collection.id
    service.delete_collection(session, collection)
    audit(
        session,
        actor,
        "intel.collection_deleted",
        object_type=OBJECT_TYPE,
        object_id=identifier,
        details=identity,
    )


def grant(
    session: Session,
    actor: Actor,
    collection: IntelCollection,
    member: Organisation,
    *,
    can_read: bool,
    can_write: bool,
    members: bool | None = None,
) -> IntelCollectionAccess:
    """Give ``member`` read and/or write (replacing its earlier grant); ``members`` opens or closes
    the collection to every other member as well."""
    access = service.grant(session, collection, member.id, can_read=can_read, can_write=can_write)
    details: dict[str, object] = {"organisation": member.slug, "can_read": can_read, "can_write": can_write}
    if members is not None:
        collection.members_read = collection.members_write = members
        details["members_read"] = details["members_write"] = members
    audit(
        session,
        actor,
        "intel.access_granted",
        object_type=OBJECT_TYPE,
        object_id=collection.id,
        details=details,
    )
    return access


def revoke(session: Session, actor: Actor, collection: IntelCollection, member: Organisation) -> bool:
    """Remove ``member``'s grant; False (nothing audited) when it had none."""
    if not service.revoke(session, collection, member.id):
        return False
    audit(
        session,
        actor,
        "intel.access_revoked",
        object_type=OBJECT_TYPE,
        object_id=collection.id,
        details={"organisation": member.slug},
    )
    return True
