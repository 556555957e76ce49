"""The indicators an organisation may act on now: latest versions it may read under TLP 2.0, in
collections it may read, neither revoked (STIX 2.1 §3.6) nor past ``valid_until`` (§4.7).

Screening reads the wallet addresses they name (:mod:`~cyberdelta.intel.screening_source`) and a
new report looks here for the indicator it repeats (:mod:`~cyberdelta.intel.sightings`). Only what
the organisation may see is ever considered, so neither tells it anything about objects it may
not read (docs/intel.md, "No oracles").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdelta.intel import service
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.timestamps import TimestampError, now_us, parse_us
from cyberdelta.intel.tlp import Reader, visible_clause
from cyberdelta.tenancy.models import Organisation


@dataclass(frozen=True)
class KnownIndicator:
    stix_id: str
    collection_id: str
    tlp: str
    version: str
    content: dict[str, Any]

    @property
    def pattern(self) -> str:
        pattern = self.content.get("pattern")
        return pattern if isinstance(pattern, str) and self.content.get("pattern_type") == "stix" else ""


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def reader_of(session: Session, organisation_id: int) -> Caller | None:
    """The organisation as a reader of the hub (its members read with intel:read)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    return Caller(reader=Reader(organisation.id, organisation.kind), read=True)


def readable_collections(session: Session, caller: Caller) -> list[str]:
    return [item.id for item, can_read, _write in service.visible_collections(session, caller) if can_read]


def _current(content: dict[str, Any], now: int) -> bool:
    if content.get("revoked") is True:
        return False
    until = content.get("valid_until")
    if until is None:
        return True
    try:
        return parse_us(until) > now
    except TimestampError:
        return False


def current_indicators(
    session: Session, reader: Reader, collection_ids: Sequence[str], needle: str
) -> Iterator[KnownIndicator]:
    """Current indicators visible to ``reader`` in ``collection_ids`` whose searchable text contains
    ``needle`` (compared in lower case), newest first."""
    if not collection_ids:
        return
    statement = (
        select(
            IntelObject.stix_id,
            IntelObject.collection_id,
            IntelObject.tlp,
            IntelObject.version,
            IntelObject.body,
        )
        .where(
            IntelObject.collection_id.in_(list(collection_ids)),
            IntelObject.stix_type == "indicator",
            IntelObject.is_latest.is_(True),
            IntelObject.search_text.like(f"%{_escape_like(needle.lower())}%", escape="\\"),
            visible_clause(
                reader, IntelObject.tlp, IntelObject.publisher_organisation_id, IntelObject.recipients
            ),
        )
        .order_by(IntelObject.date_added_us.desc(), IntelObject.id.desc())
    )
    now = now_us()
    for stix_id, collection_id, tlp, version, body in session.execute(statement):
        content = orjson.loads(body)
        if isinstance(content, dict) and _current(content, now):
            yield KnownIndicator(stix_id, collection_id, tlp, version, content)
