"""Reading the store: TAXII 2.1 filtering (§3.5), pagination (§3.4) and the TLP 2.0 visibility rule.

Paging is keyset paging on ``date_added``, distinct within a collection
(:mod:`cyberdelta.intel.date_added`): a page never costs more than an index range scan, however
deep the client has paged (``OFFSET`` would rescan every earlier row). The ``next`` value is the
last row's ``date_added``, which the reader already received; it used to carry the row id too,
whose gaps counted the rows the reader may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, delete, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from cyberdelta.intel.models import IntelObject
from cyberdelta.intel.store import lock_collection, refresh_latest
from cyberdelta.intel.tlp import Reader, visible_clause
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.errors import DomainError


class FilterError(DomainError, ValueError):
    """A TAXII query parameter that cannot be understood; the message names the parameter."""

    status = 400


@dataclass(frozen=True)
class ObjectFilter:
    """The TAXII 2.1 §3.5 match filters and §3.4 paging parameters of one request."""

    ids: Sequence[str] = ()
    types: Sequence[str] = ()
    versions: Sequence[str] = ("last",)
    version_times_us: Sequence[int] = ()
    spec_versions: Sequence[str] = ()
    added_after_us: int | None = None
    limit: int = 1000
    after_added_us: int | None = None


@dataclass
class Row:
    """One stored version, as a read returns it."""

    row_id: int
    stix_id: str
    version: str
    date_added_us: int
    body: str
    tlp: str


@dataclass
class Page:
    rows: list[Row] = field(default_factory=list)
    more: bool = False
    next_token: str | None = None


def encode_next(row: Row) -> str:
    """The opaque ``next`` value of TAXII 2.1 §3.4: the last row's ``date_added`` (microseconds)."""
    return str(row.date_added_us)


def decode_next(value: str) -> int:
    """The ``date_added`` after which the next page starts (also from the older ``added.row`` form)."""
    added, _, row_id = value.partition(".")
    if not added.isdigit() or not (row_id.isdigit() or "." not in value):
        raise FilterError("next: not a value this server returned")
    return int(added)


def _version_clause(collection_id: str, query: ObjectFilter) -> ColumnElement[bool] | None:
    """``match[version]`` of TAXII 2.1 §3.5.1: ``last`` (default), ``first``, ``all`` or timestamps."""
    if "all" in query.versions:
        return None
    clauses: list[ColumnElement[bool]] = []
    if "last" in query.versions:
        clauses.append(IntelObject.is_latest.is_(True))
    if "first" in query.versions:
        earlier = aliased(IntelObject)
        first = (
            select(func.min(earlier.modified_us))
            .where(earlier.collection_id == collection_id, earlier.stix_id == IntelObject.stix_id)
            .scalar_subquery()
        )
        clauses.append(IntelObject.modified_us == first)
    if query.version_times_us:
        clauses.append(IntelObject.modified_us.in_(list(query.version_times_us)))
    return or_(*clauses) if clauses else false()


def _filtered(
    collection_id: str, reader: Reader, query: ObjectFilter
) -> Select[int, str, str, int, str, str]:
    statement = select(
        IntelObject.id,
        IntelObject.stix_id,
        IntelObject.version,
        IntelObject.date_added_us,
        IntelObject.body,
        IntelObject.tlp,
    ).where(
        IntelObject.collection_id == collection_id,
        visible_clause(
            reader, IntelObject.tlp, IntelObject.publisher_organisation_id, IntelObject.recipients
        ),
    )
    if query.ids:
        statement = statement.where(IntelObject.stix_id.in_(list(query.ids)))
    if query.types:
        statement = statement.where(IntelObject.stix_type.in_(list(query.types)))
    if query.spec_versions:
        statement = statement.where(IntelObject.spec_version.in_(list(query.spec_versions)))
    if query.added_after_us is not None:
        statement = statement.where(IntelObject.date_added_us > query.added_after_us)
    if query.after_added_us is not None:
        statement = statement.where(IntelObject.date_added_us > query.after_added_us)
    versions = _version_clause(collection_id, query)
    if versions is not None:
        statement = statement.where(versions)
    return statement


def read_page(session: Session, collection_id: str, reader: Reader, query: ObjectFilter) -> Page:
    """One page of the versions the reader may see, oldest ``date_added`` first."""
    statement = (
        _filtered(collection_id, reader, query)
        .order_by(IntelObject.date_added_us, IntelObject.id)
        .limit(query.limit + 1)
    )
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        # Keyset paging is an index range scan in (date_added, id) order that stops after
        # limit + 1 rows. Right after a bulk load the statistics still describe a small table; the
        # planner then prefers a bitmap scan of every later row plus a sort, so that each page
        # costs as much as the rest of the collection (measured: 46 ms instead of < 2 ms at
        # 100,000 objects). The hint holds for this statement only.
        connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
    # Core execution: the columns come back as plain tuples, without the ORM's per-row loading.
    rows = [Row(*values) for values in connection.execute(statement)]
    if postgres:
        connection.exec_driver_sql("RESET enable_bitmapscan")
    page = Page(rows=rows[: query.limit], more=len(rows) > query.limit)
    if page.more:
        page.next_token = encode_next(page.rows[-1])
    return page


def delete_versions(
    session: Session,
    actor: Actor,
    collection_id: str,
    reader: Reader,
    query: ObjectFilter,
    *,
    any_publisher: bool,
) -> int:
    """Delete the matching versions of one object (TAXII 2.1 §5.7) that the caller may delete;
    audited as ``intel.object_deleted`` with the versions that went.

    Without ``any_publisher`` (intel:admin) only versions published by the caller's organisation go.
    """
    lock_collection(session.connection(), collection_id)
    statement = _filtered(collection_id, reader, query).with_only_columns(IntelObject.id)
    if not any_publisher:
        statement = statement.where(IntelObject.publisher_organisation_id == reader.organisation_id)
    doomed = list(session.execute(statement.add_columns(IntelObject.stix_id, IntelObject.version)))
    if not doomed:
        return 0
    session.execute(delete(IntelObject).where(IntelObject.id.in_([row[0] for row in doomed])))
    for stix_id in set(query.ids):
        refresh_latest(session, collection_id, stix_id)
    audit(
        session,
        actor,
        "intel.object_deleted",
        object_type="intel_collection",
        object_id=collection_id,
        details={
            "objects": sorted({str(row[1]) for row in doomed}),
            "versions": sorted(str(row[2]) for row in doomed),
            "any_publisher": any_publisher,
        },
    )
    return len(doomed)
