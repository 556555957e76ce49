"""The STIX object store behind TAXII 2.1 "Add Objects" (§5.5) and the hub's own forms.

One call stores one envelope in the caller's transaction: every object is validated
(:mod:`cyberdelta.intel.validation`), invalid ones are reported as failures in the status resource
(TAXII 2.1 §4.3.1) and the valid ones stored with one bulk INSERT. Versions are kept by ``modified``
(STIX 2.1 §3.6): re-sending a version already stored is a success that stores nothing new.

Writers of one collection take turns (:func:`lock_collection`, held until commit), so envelopes
posted at the same time neither store one version twice nor interleave their ``date_added``
values: ``added_after`` paging (TAXII 2.1 §3.4.1) sees objects committed in ``date_added`` order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Table, func, select, text, update
from sqlalchemy.orm import Session

from cyberdelta.intel import date_added, ownership
from cyberdelta.intel.models import IntelCollection, IntelObject, IntelStatus
from cyberdelta.intel.planner_statistics import note_stored
from cyberdelta.intel.timestamps import format_us, now_us, parse_us
from cyberdelta.intel.tlp import Tlp, encode_recipients, level_of
from cyberdelta.intel.validation import located, problem
from cyberdelta.platform.db.base import insert_detached
from cyberdelta.platform.errors import DomainError

OBJECT_TABLE = cast(Table, IntelObject.__table__)
COLLECTION_TABLE = cast(Table, IntelCollection.__table__)
RECIPIENTS_PROPERTY = "x_cyberdelta_recipients"
ANONYMOUS_PROPERTY = "x_cyberdelta_anonymous"
# SQLite allows 32,766 bound parameters per statement; IN lists stay far below that.
IN_CHUNK = 900
ROW_COLUMNS = (
    "collection_id", "stix_id", "stix_type", "spec_version", "modified_us", "version", "date_added_us",
    "is_latest", "tlp", "publisher_organisation_id", "recipients", "search_text", "sighting_of_ref", "body",
)  # fmt: skip
# Built from constant column names only (no user input).
SQLITE_INSERT = (
    f"INSERT INTO intel_object ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join('?' for _ in ROW_COLUMNS)})"  # noqa: S608
)
SEARCHABLE = ("name", "description", "pattern", "value", "address", "chain", "content", "hashes", "aliases")


@dataclass
class Publication:
    """Who publishes and how: the organisation, recipient resolution and anonymity (docs/intel.md).

    ``resolve_recipients`` maps organisation slugs named in ``x_cyberdelta_recipients`` to ids
    (unknown slugs are a failure of that object). ``anonymise`` rewrites an object published with
    ``x_cyberdelta_anonymous: true`` (or every object, with ``anonymous_all``) so that the ISAC
    appears as its creator; the publishing organisation stays the object's publisher and owner, so
    the TLP rule gives the ISAC no access it would not have otherwise (docs/intel.md).
    ``identity_ref`` is the publisher's own STIX identity and ``hub_identities`` every identity the
    hub minted for an organisation (:mod:`cyberdelta.intel.ownership`).
    """

    organisation_id: int | None
    resolve_recipients: Callable[[Sequence[str]], Mapping[str, int]] = lambda slugs: {}
    anonymise: Callable[[dict[str, Any]], None] | None = None
    identity_ref: str | None = None
    hub_identities: Callable[[], Mapping[str, Mapping[str, Any]]] = lambda: {}
    anonymous_all: bool = False
    anonymised: list[str] = field(default_factory=list)
    # The validation verdict of each object, in order, when it was computed beforehand (in worker
    # processes, outside the writing transaction: see :mod:`cyberdelta.intel.pending`).
    problems: Sequence[str | None] | None = None
    # The ``pending`` status resource to complete, instead of a new one (TAXII 2.1 §4.3).
    status: IntelStatus | None = None

    def wants_anonymity(self, stix_object: Mapping[str, Any]) -> bool:
        """Whether the object is to be published with the ISAC's identity instead of the publisher's."""
        return self.anonymous_all or stix_object.get(ANONYMOUS_PROPERTY) is True


def _version_us(stix_object: Mapping[str, Any], fallback: int) -> int:
    """TAXII 2.1 §3.4.2: an object's version is ``modified``, else ``created``, else ``date_added``."""
    for name in ("modified", "created"):
        if name in stix_object:
            return parse_us(stix_object[name])
    return fallback


def _version_text(stix_object: Mapping[str, Any], version_us: int) -> str:
    """The version as the object carries it (``modified``, else ``created``: STIX 2.1 §3.2 allows
    any number of fractional digits), so that versions and manifest return exactly that text."""
    for name in ("modified", "created"):
        carried = stix_object.get(name)
        if isinstance(carried, str):
            return carried
    return format_us(version_us)


def _search_text(stix_object: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for name in SEARCHABLE:
        if name not in stix_object:
            continue
        value = stix_object[name]
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            parts.extend(str(item) for item in value.values())
        elif isinstance(value, list):
            parts.extend(str(item) for item in value)
    return "\n".join(parts).lower()


def _sighting_of(stix_object: Mapping[str, Any]) -> str | None:
    """A sighting's ``sighting_of_ref`` (STIX 2.1 §5.2, validated as an identifier before storing)."""
    reference = stix_object.get("sighting_of_ref")
    return reference if isinstance(reference, str) else None


Accepted = dict[tuple[str, int], dict[str, Any]]


# A version to store: its id, ``modified`` (microseconds and as text) and the object (a plain
# tuple: a NamedTuple's constructor cost a Python call per object).
Stored = tuple[str, int, str, dict[str, Any]]


def _rows(
    stored: Sequence[Stored],
    collection_id: str,
    base: int,
    latest: Mapping[str, int],
    default_tlp: Tlp,
    resolved: Mapping[str, int],
    publication: Publication,
) -> Iterator[tuple[Any, ...]]:
    """The object table's rows (in :data:`ROW_COLUMNS` order) of the versions to store; an object
    published anonymously is re-serialised with the ISAC as its creator (docs/intel.md). Each
    audience has its own lane of ``date_added`` values (:mod:`cyberdelta.intel.date_added`)."""
    anonymise, organisation_id = publication.anonymise, publication.organisation_id
    audiences: list[tuple[Tlp, str]] = []
    for _id, _us, _version, stix_object in stored:
        slugs = stix_object.get(RECIPIENTS_PROPERTY)
        recipients = encode_recipients(resolved[slug] for slug in slugs) if slugs else ""
        audiences.append((level_of(stix_object, default_tlp), recipients))
    added = date_added.offsets(audiences)
    for index, (stix_id, version_us, version, stix_object) in enumerate(stored):
        stix_type = stix_object["type"]
        body_object = stix_object
        if anonymise is not None and publication.wants_anonymity(stix_object):
            body_object = dict(stix_object)
            anonymise(body_object)
            publication.anonymised.append(stix_id)
        level, recipients = audiences[index]
        yield (
            collection_id,
            stix_id,
            stix_type,
            stix_object.get("spec_version", "2.1"),
            version_us,
            version,
            base + added[index],  # date_added: distinct, later than any stored (see lock_collection)
            latest[stix_id] == version_us,  # is_latest
            level.value,
            organisation_id,
            recipients,
            _search_text(stix_object),
            _sighting_of(stix_object) if stix_type == "sighting" else None,
            orjson.dumps(body_object).decode(),
        )


def add_objects(
    session: Session,
    collection: IntelCollection,
    objects: Sequence[object],
    publication: Publication,
) -> IntelStatus:
    """Validate and store an envelope's objects; return the completed status resource."""
    started = now_us()
    default_tlp = Tlp(collection.default_tlp)
    if publication.problems is not None and len(publication.problems) != len(objects):
        raise ValueError("problems: one verdict per object is required")
    connection = session.connection()
    # Validation runs before the collection is locked, so that an envelope the validator is slow on
    # (objects only the library itself can judge) never holds other writers back.
    accepted, failures, named = _validated(objects, publication, started)
    existing, last_added, owned = _read_under_lock(connection, collection.id, {key[0] for key in accepted})
    resolved = publication.resolve_recipients(sorted(named)) if named else {}
    successes: list[dict[str, Any]] = []
    latest = {stix_id: max(versions) for stix_id, versions in existing.items()}
    base = date_added.envelope_base(last_added)
    stored: list[Stored] = []
    claimed: dict[str, None] = {}
    organisation_id = publication.organisation_id
    identities = (
        publication.hub_identities() if any(key[0].startswith("identity--") for key in accepted) else {}
    )
    for (stix_id, version_us), stix_object in accepted.items():
        refused = ownership.refusal(
            stix_object,
            owned.get(stix_id),
            organisation_id,
            anonymised=publication.anonymise is not None and publication.wants_anonymity(stix_object),
            own_identity=publication.identity_ref,
            hub_identities=publication.hub_identities,
            owned=stix_id in owned,
        )
        if refused is not None:
            failures.append(_detail(stix_object, refused))
            continue
        slugs = stix_object.get(RECIPIENTS_PROPERTY)
        unknown = [slug for slug in slugs if slug not in resolved] if slugs else None
        if unknown:
            failures.append(
                _detail(stix_object, f"{RECIPIENTS_PROPERTY}: unknown organisation {unknown[0]!r}")
            )
            continue
        version_text = _version_text(stix_object, version_us)
        successes.append({"id": stix_id, "version": version_text})
        if version_us in existing.get(stix_id, ()):
            continue
        newest = latest.get(stix_id)
        if newest is None or version_us > newest:
            latest[stix_id] = version_us
        stored.append((stix_id, version_us, version_text, stix_object))
        if stix_id not in owned and stix_id not in identities:  # the hub's identities stay the hub's
            claimed[stix_id] = None
    superseded = [
        stix_id for stix_id, versions in existing.items() if versions and latest[stix_id] > max(versions)
    ]
    ownership.claim(connection, list(claimed), organisation_id)
    if stored:
        # Rows are made as the driver consumes them: PostgreSQL stores one part of the COPY stream
        # while the next part is made.
        rows = _rows(stored, collection.id, base, latest, default_tlp, resolved, publication)
        _bulk_insert(session, rows)
        note_stored(session, len(stored))
    for start in range(0, len(superseded), IN_CHUNK):
        session.execute(
            update(IntelObject)
            .where(
                IntelObject.collection_id == collection.id,
                IntelObject.stix_id.in_(superseded[start : start + IN_CHUNK]),
                IntelObject.is_latest.is_(True),
                IntelObject.date_added_us < base,
            )
            .values(is_latest=False)
        )
    status = publication.status or IntelStatus(
        id=str(uuid.uuid4()),
        collection_id=collection.id,
        organisation_id=publication.organisation_id,
        request_timestamp_us=started,
    )
    status.status = "complete"
    status.total_count = len(objects)
    status.success_count = len(successes)
    status.new_count = len(stored)
    status.failure_count = len(failures)
    status.pending_count = 0
    status.successes = successes
    status.failures = failures
    if publication.status is not None:  # the stored pending resource, completed
        session.flush()
    else:  # a new one: one INSERT, without the ORM's unit of work (the object stays detached)
        insert_detached(session, status)
    return status


def _validated(
    objects: Sequence[object], publication: Publication, started: int
) -> tuple[Accepted, list[dict[str, Any]], set[str]]:
    """The envelope's valid objects by (id, version), the refused ones' status details (TAXII 2.1
    §4.3.1), and the organisation slugs the valid ones name as recipients."""
    accepted: Accepted = {}
    failures: list[dict[str, Any]] = []
    named: set[str] = set()
    verdicts = publication.problems
    cannot_anonymise = publication.anonymise is None
    for index, stix_object in enumerate(objects):
        reason = verdicts[index] if verdicts is not None else problem(stix_object)
        if reason is not None or not isinstance(stix_object, dict):
            failures.append(_detail(stix_object, located(reason or "$: not an object", index)))
            continue
        slugs = stix_object.get(RECIPIENTS_PROPERTY)
        if slugs is not None:
            if not isinstance(slugs, list) or not all(isinstance(slug, str) for slug in slugs):
                failures.append(
                    _detail(stix_object, f"{RECIPIENTS_PROPERTY}: must be a list of organisation slugs")
                )
                continue
            named.update(slugs)
        if cannot_anonymise and publication.wants_anonymity(stix_object):
            failures.append(
                _detail(stix_object, f"{ANONYMOUS_PROPERTY}: no ISAC is registered to publish for you")
            )
            continue
        # Objects are stored as received; only anonymised ones are re-serialised.
        accepted[(stix_object["id"], _version_us(stix_object, started))] = stix_object
    return accepted, failures, named


def _read_under_lock(
    connection: Connection, collection_id: str, stix_ids: set[str]
) -> tuple[dict[str, set[int]], int, dict[str, int | None]]:
    """Lock the collection, then read the stored versions of ``stix_ids``, the newest date_added
    and the owners of those ids that have one (:mod:`cyberdelta.intel.ownership`)."""
    lock_collection(connection, collection_id)
    return (
        _existing_versions(connection, collection_id, stix_ids),
        _last_date_added(connection, collection_id),
        ownership.owners(connection, stix_ids),
    )


class MissingCollectionError(DomainError, LookupError):
    """The collection written to does not exist (any more)."""

    status = 404


def lock_collection(connection: Connection, collection_id: str) -> None:
    """Take the collection's write lock until the transaction ends (concurrent writers wait).

    A no-op UPDATE of the collection's row locks that row on PostgreSQL and takes the database's
    write lock on SQLite (whose readers are never blocked, WAL mode), like the audit chain's head.
    It sets a column that is no key: SQLite checks every referencing row (foreign keys) when a
    parent key is set, even to itself, which cost a scan of the whole collection per envelope.
    The locked row also stands in for a foreign key from each stored object to its collection:
    the collection exists, and stays, until the envelope is committed.
    """
    locked = connection.execute(
        update(COLLECTION_TABLE)
        .where(COLLECTION_TABLE.c.id == collection_id)
        .values(members_write=COLLECTION_TABLE.c.members_write)
    )
    if locked.rowcount != 1:
        raise MissingCollectionError(f"collection: no collection {collection_id!r}")


def _bulk_insert(session: Session, rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert an envelope's rows (:data:`ROW_COLUMNS` order) in one statement, inside the session's
    transaction.

    PostgreSQL gets ``COPY ... FROM STDIN`` (one streamed statement instead of one INSERT per row);
    SQLite gets the driver's ``executemany`` of one prepared INSERT with tuples (SQLAlchemy's
    per-row parameter processing cost more than SQLite's own work for plain strings and integers).
    """
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name != "postgresql":
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(SQLITE_INSERT, rows)
        finally:
            cursor.close()
        return
    with driver.cursor() as cursor:  # type: ignore[union-attr]
        statement = f"COPY {OBJECT_TABLE.name} ({', '.join(ROW_COLUMNS)}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def _detail(stix_object: object, message: str) -> dict[str, Any]:
    """A TAXII 2.1 §4.3.1 status detail (id, version, message) for a refused object."""
    identifier = stix_object.get("id") if isinstance(stix_object, dict) else None
    version = None
    if isinstance(stix_object, dict):
        version = stix_object.get("modified") or stix_object.get("created")
    return {
        "id": identifier if isinstance(identifier, str) else "",
        "version": version if isinstance(version, str) else "",
        "message": message,
    }


def _existing_versions(connection: Connection, collection_id: str, stix_ids: set[str]) -> dict[str, set[int]]:
    """The stored versions of the given ids, in one statement with the ids bound as one parameter.

    An ``IN`` list of a thousand bound parameters cost more to compile and to split (psycopg) than
    the index lookups themselves, and so did psycopg's dumping of a Python list as an array: the ids
    (``type--UUID``, validated: no commas) go as one comma-separated text that PostgreSQL splits,
    and as one JSON array to SQLite.
    """
    found: dict[str, set[int]] = {}
    if not stix_ids:
        return found
    ordered = sorted(stix_ids)
    if connection.dialect.name == "postgresql":
        statement = text(
            "SELECT stix_id, modified_us FROM intel_object"
            " WHERE collection_id = :collection AND stix_id = ANY(string_to_array(:ids, ','))"
        )
        parameters: dict[str, Any] = {"collection": collection_id, "ids": ",".join(ordered)}
    else:
        statement = text(
            "SELECT stix_id, modified_us FROM intel_object"
            " WHERE collection_id = :collection AND stix_id IN (SELECT value FROM json_each(:ids))"
        )
        parameters = {"collection": collection_id, "ids": orjson.dumps(ordered).decode()}
    for stix_id, modified_us in connection.execute(statement, parameters):
        found.setdefault(stix_id, set()).add(modified_us)
    return found


def _last_date_added(connection: Connection, collection_id: str) -> int:
    """The newest ``date_added`` in the collection, so that every new object gets a later one.

    Strictly increasing ``date_added`` values make ``added_after`` paging (TAXII 2.1 §3.4.1) exact.
    """
    value = connection.scalar(
        select(func.max(OBJECT_TABLE.c.date_added_us)).where(OBJECT_TABLE.c.collection_id == collection_id)
    )
    return int(value or 0)


def refresh_latest(session: Session, collection_id: str, stix_id: str) -> None:
    """Recompute ``is_latest`` for one object after versions were deleted."""
    newest = session.scalar(
        select(func.max(IntelObject.modified_us)).where(
            IntelObject.collection_id == collection_id, IntelObject.stix_id == stix_id
        )
    )
    if newest is None:
        return
    session.execute(
        update(IntelObject)
        .where(IntelObject.collection_id == collection_id, IntelObject.stix_id == stix_id)
        .values(is_latest=IntelObject.modified_us == newest)
    )
