"""Publishing on behalf of an organisation: recipients, anonymity and the audit trail (docs/intel.md).

匿名 anonymous publishing: an exchange may publish with its identity replaced by the ISAC's. The
stored object then names the ISAC's STIX identity as ``created_by_ref``: that is all any reader
receives. The publishing organisation stays the object's publisher and owner inside the hub, so that
the TLP 2.0 rule keeps its meaning (RED to the named recipients, AMBER+STRICT to the publisher) and
the publisher keeps its objects; the audit entry of the publication names it too.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.intel.caller import Caller
from cyberdelta.intel.models import IntelCollection, IntelStatus
from cyberdelta.intel.store import ANONYMOUS_PROPERTY, Publication, add_objects
from cyberdelta.intel.validation import OBSERVABLE_TYPES
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.tenancy.models import Organisation, OrganisationKind

# STIX 2.1 §2.9: UUIDv5 namespace for identifiers derived from names; ours for organisation identities.
IDENTITY_NAMESPACE = uuid.UUID("8a1b9f0e-52f4-5f0c-9a8e-6c7d2b3e4f51")


def identity_id(organisation: Organisation) -> str:
    """The stable STIX identity id of an organisation (same slug, same id, on every deployment)."""
    return f"identity--{uuid.uuid5(IDENTITY_NAMESPACE, 'cyberdelta:' + organisation.slug)}"


def identity(organisation: Organisation) -> dict[str, Any]:
    """STIX 2.1 §4.5 identity object of an organisation."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id(organisation),
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": organisation.name_en,
        "identity_class": "organization",
        "sectors": ["financial-services"],
    }


def isac(session: Session) -> Organisation | None:
    """The ISAC that lends its identity to anonymous publications (the first registered one)."""
    return session.scalar(
        select(Organisation).where(Organisation.kind == OrganisationKind.ISAC.value).order_by(Organisation.id)
    )


def hub_identities(session: Session) -> dict[str, dict[str, Any]]:
    """The STIX identities the hub mints and owns, one per organisation (:func:`identity`), by id."""
    minted = (identity(organisation) for organisation in session.scalars(select(Organisation)))
    return {str(item["id"]): item for item in minted}


def resolve_slugs(session: Session, slugs: Sequence[str]) -> Mapping[str, int]:
    rows = session.execute(
        select(Organisation.slug, Organisation.id).where(Organisation.slug.in_(list(slugs)))
    )
    return {str(slug): int(identifier) for slug, identifier in rows}


def publication_for(session: Session, caller: Caller) -> Publication:
    """How ``caller`` publishes: as itself, or anonymously through the ISAC when an object asks."""
    cover = isac(session)
    own = session.get(Organisation, caller.organisation_id) if caller.organisation_id is not None else None
    publication = Publication(
        organisation_id=caller.organisation_id,
        resolve_recipients=lambda slugs: resolve_slugs(session, slugs),
        identity_ref=identity_id(own) if own is not None else None,
        hub_identities=functools.cache(lambda: hub_identities(session)),
    )
    if cover is not None:
        cover_ref = identity_id(cover)

        def anonymise(stix_object: dict[str, Any]) -> None:
            stix_object.pop(ANONYMOUS_PROPERTY, None)
            if stix_object.get("type") not in OBSERVABLE_TYPES:  # SCOs have no created_by_ref (§3.1)
                stix_object["created_by_ref"] = cover_ref

        publication.anonymise = anonymise
    return publication


def record_publication(
    session: Session,
    actor: Actor,
    caller: Caller,
    collection: IntelCollection,
    status: IntelStatus,
    publication: Publication,
) -> None:
    """The audit entry of one publication: the only place that links an anonymous object to its
    author (the publishing organisation, whoever stores the envelope: a request or the worker)."""
    audit(
        session,
        actor,
        "intel.publish",
        user_id=actor.user_id if actor.user_id is not None else caller.user_id,
        organisation_id=caller.organisation_id,
        object_type="intel_status",
        object_id=status.id,
        details={
            "collection": collection.id,
            "success_count": status.success_count,
            "failure_count": status.failure_count,
            "anonymised": list(publication.anonymised),
        },
    )


def publish(
    session: Session,
    caller: Caller,
    collection: IntelCollection,
    objects: Sequence[object],
    *,
    actor: Actor,
    anonymous: bool = False,
    problems: Sequence[str | None] | None = None,
    pending: IntelStatus | None = None,
) -> IntelStatus:
    """Validate and store objects for ``caller`` and record the publication in the audit trail.

    ``problems`` are verdicts computed beforehand (one per object); ``pending`` is the status
    resource of a pending envelope to complete (TAXII 2.1 §4.3).
    """
    publication = publication_for(session, caller)
    publication.anonymous_all = anonymous
    publication.problems = problems
    publication.status = pending
    status = add_objects(session, collection, objects, publication)
    record_publication(session, actor, caller, collection, status, publication)
    return status


def import_objects(
    session: Session,
    collection_reference: str,
    organisation_slug: str,
    objects: Sequence[object],
    *,
    actor: Actor,
) -> IntelStatus:
    """Store imported objects as published by an organisation (the ``intel import`` command)."""
    from cyberdelta.intel.service import CollectionError, find_collection
    from cyberdelta.intel.tlp import Reader

    collection = find_collection(session, collection_reference)
    if collection is None:
        raise CollectionError(f"collection: no collection {collection_reference!r}")
    organisation = session.scalar(select(Organisation).where(Organisation.slug == organisation_slug))
    if organisation is None:
        raise CollectionError(f"organisation: no organisation {organisation_slug!r}")
    caller = Caller(reader=Reader(organisation.id, organisation.kind), read=True, write=True)
    return publish(session, caller, collection, objects, actor=actor)
