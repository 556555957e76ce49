"""Who may write a STIX id: ownership within the hub and identity binding (docs/intel.md, "Ownership").

STIX 2.1 §3.6 lets only an object's creator make new versions of it ("only the object creator can
create a new version"); others express their view as their own objects (a ``sighting``, an
``opinion``, a ``note``, a new indicator with a ``relationship``). The hub applies that rule per
organisation: the organisation that first stores an id owns it, in every collection, and a
version from anyone else is refused and never stored.

``created_by_ref`` (STIX 2.1 §3.2) must not name another organisation's identity: the hub mints
one ``identity`` per organisation (:func:`cyberdelta.intel.publishing.identity`) and owns it. An
envelope may carry such an identity exactly as the hub mints it (the pages do, so that
``created_by_ref`` resolves); any other content under that id is refused.

A refusal reads the same whether the id's stored versions are visible to the caller or not, and
says nothing of their versions, markings or owner (docs/intel.md, "No oracles").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Table, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cyberdelta.intel.models import IntelObjectOwner
from cyberdelta.platform.i18n import gettext as _

ANONYMOUS_PROPERTY = "x_cyberdelta_anonymous"

OWNER_TABLE = cast(Table, IntelObjectOwner.__table__)


def not_owner() -> str:
    return _(
        "id: another organisation owns this id; only the owner adds versions, revokes or deletes it. "
        "Publish your view as your own object (a sighting, an opinion, a note or a relationship)"
    )


def hub_identity() -> str:
    return _("id: the hub keeps the identity objects of its organisations; members cannot write them")


def foreign_creator(own: str | None) -> str:
    return _(
        "created_by_ref: must be your organisation's identity %(own)s, not another organisation's",
        own=own or "-",
    )


def refusal(
    stix_object: Mapping[str, Any],
    owner: int | None,
    organisation_id: int | None,
    *,
    anonymised: bool,
    own_identity: str | None,
    hub_identities: Callable[[], Mapping[str, Mapping[str, Any]]],
    owned: bool,
) -> str | None:
    """Why ``organisation_id`` may not store this version, or None.

    ``owned`` says whether the id has an owner (``owner`` is that owner). ``anonymised`` objects
    get the ISAC's identity as ``created_by_ref`` before they are stored, so theirs is not checked.
    """
    if stix_object.get("type") == "identity" and stix_object.get("id") in hub_identities():
        minted = hub_identities()[str(stix_object["id"])]
        carried = {key: value for key, value in stix_object.items() if key != ANONYMOUS_PROPERTY}
        return None if carried == minted else hub_identity()
    if owned and owner != organisation_id:
        return not_owner()
    creator = stix_object.get("created_by_ref")
    foreign = isinstance(creator, str) and creator != own_identity and creator in hub_identities()
    if foreign and not anonymised:
        return foreign_creator(own_identity)
    return None


def owners(connection: Connection, stix_ids: set[str]) -> dict[str, int | None]:
    """The owners of those of ``stix_ids`` that have one (one statement, ids bound as one value)."""
    if not stix_ids:
        return {}
    ordered = sorted(stix_ids)
    if connection.dialect.name == "postgresql":
        statement = text(
            "SELECT stix_id, organisation_id FROM intel_object_owner"
            " WHERE stix_id = ANY(string_to_array(:ids, ','))"
        )
        parameters: dict[str, Any] = {"ids": ",".join(ordered)}
    else:
        statement = text(
            "SELECT stix_id, organisation_id FROM intel_object_owner"
            " WHERE stix_id IN (SELECT value FROM json_each(:ids))"
        )
        parameters = {"ids": orjson.dumps(ordered).decode()}
    return {str(stix_id): owner for stix_id, owner in connection.execute(statement, parameters)}


def claim(connection: Connection, stix_ids: list[str], organisation_id: int | None) -> None:
    """Record ``organisation_id`` as the owner of new ids (an id claimed meanwhile keeps its owner)."""
    if not stix_ids:
        return
    rows = [{"stix_id": stix_id, "organisation_id": organisation_id} for stix_id in stix_ids]
    if connection.dialect.name == "postgresql":
        connection.execute(postgresql_insert(OWNER_TABLE).on_conflict_do_nothing(), rows)
    else:
        connection.execute(sqlite_insert(OWNER_TABLE).on_conflict_do_nothing(), rows)
