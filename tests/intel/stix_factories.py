"""Builders of STIX 2.1 objects, envelopes and hub fixtures for the intelligence tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.intel.http.media import TAXII
from cyberdelta.intel.tlp import TLP2_MARKING_IDS, Tlp
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission
from tests.accounts_factories import make_api_token, make_organisation

CREATED = "2026-11-01T09:00:00.000Z"
ROOT = "/taxii2/intel"
READ_WRITE = (Permission.INTEL_READ, Permission.INTEL_WRITE)


def indicator(
    value: str = "203.0.113.7",
    *,
    identifier: str | None = None,
    modified: str = CREATED,
    tlp: Tlp | None = None,
    **extra: Any,
) -> dict[str, Any]:
    stix: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": identifier or f"indicator--{uuid.uuid4()}",
        "created": CREATED,
        "modified": modified,
        "name": f"Malicious address {value}",
        "pattern": f"[ipv4-addr:value = '{value}']",
        "pattern_type": "stix",
        "valid_from": CREATED,
    }
    if tlp is not None:
        stix["object_marking_refs"] = [TLP2_MARKING_IDS[tlp]]
    stix.update(extra)
    return stix


def envelope(objects: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"objects": list(objects)}


def taxii_headers(token: str | None = None) -> dict[str, str]:
    headers = {"Accept": TAXII, "Content-Type": TAXII}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


@dataclass
class Hub:
    """A collection with an exchange publisher, a second exchange, an ISAC and a supervisor."""

    collection_id: str
    publisher: str
    other_exchange: str
    isac: str
    supervisor: str
    publisher_id: int
    isac_id: int
    other_id: int


def make_hub(factory: sessionmaker[Session], *, default_tlp: Tlp = Tlp.AMBER, public: bool = False) -> Hub:
    with transaction(factory) as session:
        collection = service.create_collection(
            session, title="Crypto threat feed", alias="crypto", default_tlp=default_tlp, public_read=public
        )
        publisher = make_organisation(session, OrganisationKind.EXCHANGE, slug="exchange-a")
        other = make_organisation(session, OrganisationKind.EXCHANGE, slug="exchange-b")
        isac = make_organisation(session, OrganisationKind.ISAC, slug="crypto-isac")
        supervisor = make_organisation(session, OrganisationKind.SUPERVISOR, slug="fsa")
        return Hub(
            collection_id=collection.id,
            publisher=make_api_token(session, publisher, READ_WRITE),
            other_exchange=make_api_token(session, other, READ_WRITE),
            isac=make_api_token(session, isac, (*READ_WRITE, Permission.INTEL_ADMIN)),
            supervisor=make_api_token(session, supervisor, (Permission.INTEL_READ,)),
            publisher_id=publisher.id,
            isac_id=isac.id,
            other_id=other.id,
        )
