"""The hub's pages read from here: the feed of shared objects, filtered and searched (issue #7 §6).

The same TLP rule as TAXII applies (:func:`~cyberdelta.intel.tlp.visible_clause`); only the latest
version of each object is listed, newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
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

    @property
    def title(self) -> str:
        for name in ("name", "address", "value", "abstract"):
            value = self.content.get(name)
            if isinstance(value, str) and value:
                return value
        return self.stix_id

    @property
    def summary(self) -> str:
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
    return [
        FeedItem(stix_id, stix_type, tlp, added, title, orjson.loads(body))
        for stix_id, stix_type, tlp, added, title, body in session.execute(statement)
    ]
