"""The hub's pages read from here: the feed of shared objects, filtered and searched (docs/intel.md).

The same TLP rule as TAXII applies (:func:`~cyberdelta.intel.tlp.visible_clause`); only the latest
version of each object is listed, newest first. Each indicator shows how many sightings (STIX 2.1
§5.2) the reader may see point at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cyberdelta.intel.models import IntelCollection, IntelObject
from cyberdelta.intel.tlp import Reader, visible_clause


@dataclass(frozen=True)
class FeedQuery:
    """Filters of the feed page; every field optional."""

    stix_type: str = ""
    tlp: str = ""
    since_us: int | None = None
    text: str = ""
    limit: int = 100


@dataclass
class FeedItem:
    stix_id: str
    stix_type: str
    tlp: str
    date_added_us: int
    collection_title: str
    content: dict[str, Any]
    collection_title_ja: str = ""
    sightings: int = 0

    @property
    def seen_in(self) -> str:
        """Where our own report form's reporter saw it (``x_cyberdelta_seen_in``), or ""."""
        value = self.content.get("x_cyberdelta_seen_in") if self.stix_type == "sighting" else None
        return value if isinstance(value, str) else ""

    @property
    def title(self) -> str:
        description = self.content.get("description")
        if self.seen_in and isinstance(description, str) and ": " in description:
            # "Seen in a withdrawal request: <indicator>" — the page says where in the reader's language.
            return description.split(": ", 1)[1]
        for name in ("name", "address", "value", "abstract", "description"):
            value = self.content.get(name)
            if isinstance(value, str) and value:
                return value
        return self.stix_id

    @property
    def summary(self) -> str:
        if self.seen_in:
            return ""  # its description is the title and the localised "seen" line
        for name in ("description", "pattern", "content", "chain"):
            value = self.content.get(name)
            if isinstance(value, str) and value:
                return value
        return ""


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def feed(session: Session, reader: Reader, collection_ids: Sequence[str], query: FeedQuery) -> list[FeedItem]:
    """Latest versions visible to ``reader`` in the given collections, newest first."""
    if not collection_ids:
        return []
    statement = (
        select(
            IntelObject.stix_id,
            IntelObject.stix_type,
            IntelObject.tlp,
            IntelObject.date_added_us,
            IntelCollection.title,
            IntelObject.body,
            IntelCollection.title_ja,
        )
        .join(IntelCollection, IntelCollection.id == IntelObject.collection_id)
        .where(
            IntelObject.collection_id.in_(list(collection_ids)),
            IntelObject.is_latest.is_(True),
            visible_clause(
                reader, IntelObject.tlp, IntelObject.publisher_organisation_id, IntelObject.recipients
            ),
        )
    )
    if query.stix_type:
        statement = statement.where(IntelObject.stix_type == query.stix_type)
    if query.tlp:
        statement = statement.where(IntelObject.tlp == query.tlp)
    if query.since_us is not None:
        statement = statement.where(IntelObject.date_added_us >= query.since_us)
    if query.text.strip():
        needle = f"%{_escape_like(query.text.strip().lower())}%"
        statement = statement.where(IntelObject.search_text.like(needle, escape="\\"))
    statement = statement.order_by(IntelObject.date_added_us.desc(), IntelObject.id.desc()).limit(query.limit)
    items = [
        FeedItem(stix_id, stix_type, tlp, added, title, orjson.loads(body), title_ja)
        for stix_id, stix_type, tlp, added, title, body, title_ja in session.execute(statement)
    ]
    counts = sighting_counts(
        session, reader, collection_ids, [item.stix_id for item in items if item.stix_type == "indicator"]
    )
    for item in items:
        item.sightings = counts.get(item.stix_id, 0)
    return items


def sighting_counts(
    session: Session, reader: Reader, collection_ids: Sequence[str], indicator_ids: Sequence[str]
) -> dict[str, int]:
    """How many sightings visible to ``reader`` name each indicator as ``sighting_of_ref`` (STIX 2.1
    §5.2), in the latest version of each sighting."""
    wanted = sorted(set(indicator_ids))
    if not wanted or not collection_ids:
        return {}
    rows = session.execute(sighting_count_query(reader, collection_ids, wanted))
    return {str(reference): int(count) for reference, count in rows}


def sighting_count_query(
    reader: Reader, collection_ids: Sequence[str], indicator_ids: Sequence[str]
) -> Select[str | None, int]:
    """One grouped count over the partial index of ``sighting_of_ref``, however many sightings the
    hub holds (it was a text search through every sighting's JSON)."""
    return (
        select(IntelObject.sighting_of_ref, func.count())
        .where(
            IntelObject.sighting_of_ref.in_(list(indicator_ids)),
            IntelObject.collection_id.in_(list(collection_ids)),
            IntelObject.is_latest.is_(True),
            visible_clause(
                reader, IntelObject.tlp, IntelObject.publisher_organisation_id, IntelObject.recipients
            ),
        )
        .group_by(IntelObject.sighting_of_ref)
    )
