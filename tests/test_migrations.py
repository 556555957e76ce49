"""The Alembic migrations produce exactly the schema the models declare, on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, delete, func, select, table, text
from sqlalchemy.orm import Session

from cyberdelta.assessment.models import Assessment, Cycle
from cyberdelta.assessment.service import new_cycle, start_assessment
from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.intel.models import IntelCollection, IntelCollectionAccess, IntelObject, IntelStatus
from cyberdelta.intel.service import create_collection
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.db.base import Base
from cyberdelta.platform.db.migrate import current_revision, downgrade, head_revision, upgrade
from cyberdelta.registry import metadata
from cyberdelta.tenancy.models import Organisation


@contextmanager
def down_at(engine: Engine, revision: str, *tables: type[Base]) -> Iterator[None]:
    """The block runs with the database taken down to ``revision``; afterwards it is back at head
    and the rows the test put in ``tables`` are gone, whatever the block did."""
    try:
        downgrade(engine, revision)
        yield
    finally:
        upgrade(engine)
        with Session(engine) as session, session.begin():
            for table in tables:
                session.execute(delete(table))


def test_database_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_stix_ids_compare_byte_by_byte(engine: Engine) -> None:
    """Object ids and collection ids in the intel index use byte order (no locale ``strcoll``)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            collations: dict[str, str] = dict(
                connection.execute(
                    text(
                        "SELECT column_name, collation_name FROM information_schema.columns"
                        " WHERE table_name = 'intel_object' AND column_name IN ('stix_id', 'collection_id')"
                    )
                ).all()
            )
            assert collations == {"stix_id": "C", "collection_id": "C"}
        else:  # SQLite: BINARY, its default, unless a column declares another collation
            table = connection.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'intel_object'"))
            assert "COLLATE" not in str(table).upper()


def _status_storage(engine: Engine) -> dict[str, tuple[str, str | None]]:
    """PostgreSQL: the type and compression method of the status details and held envelopes."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod),"
                " NULLIF(a.attcompression, '')::text FROM pg_attribute a"
                " JOIN pg_class c ON c.oid = a.attrelid"
                " WHERE (c.relname, a.attname) IN (('intel_status', 'successes'),"
                " ('intel_status', 'failures'), ('intel_pending_envelope', 'objects'))"
            )
        )
        return {str(name): (str(kind), compression) for name, kind, compression in rows}


def test_status_details_are_json_text_compressed_with_lz4_and_survive_a_round_trip(engine: Engine) -> None:
    """Migration 0009 (PostgreSQL): status details as ``json``, LZ4 where the server has it; down and
    up again keeps what was stored. SQLite keeps JSON as text under every revision."""
    details = [{"id": "indicator--0b5b2b5e-a7d1-4b5c-9a56-0a6b1b8a1c11", "version": "2026-11-24T00:00:00Z"}]
    with Session(engine) as session, session.begin():
        collection = create_collection(session, title="migrated", default_tlp=Tlp.GREEN)
        status = IntelStatus(
            id="status-0009", collection_id=collection.id, organisation_id=None, status="complete",
            request_timestamp_us=1, total_count=1, success_count=1, failure_count=0, pending_count=0,
            successes=details, failures=[{"id": "", "version": "", "message": "名前: 不正"}],
        )  # fmt: skip
        session.add(status)
    if engine.dialect.name == "postgresql":
        storage = _status_storage(engine)
        assert storage["intel_status.successes"][0] == storage["intel_status.failures"][0] == "json"
        assert {compression for _kind, compression in storage.values()} == {"l"}  # lz4
    with down_at(engine, "0008", IntelStatus, IntelCollection):
        if engine.dialect.name == "postgresql":
            assert _status_storage(engine)["intel_status.successes"] == ("jsonb", None)
        upgrade(engine)
        with Session(engine) as session:
            stored = session.get(IntelStatus, "status-0009")
            assert stored is not None
            assert (stored.successes, stored.failures[0]["message"]) == (details, "名前: 不正")


def test_sightings_stored_before_0011_get_their_reference_filled_in(engine: Engine) -> None:
    """Migration 0011 reads ``sighting_of_ref`` out of each stored sighting's JSON; other objects,
    and a sighting whose reference is not text, keep none."""
    with Session(engine) as session, session.begin():
        collection_id = create_collection(session, title="sightings", default_tlp=Tlp.GREEN).id
    indicator_id = "indicator--0b5b2b5e-a7d1-4b5c-9a56-0a6b1b8a1c11"
    rows: dict[str, tuple[str, dict[str, object]]] = {
        "sighting--1f0c2a4e-2f59-4a2e-8d5c-111111111111": ("sighting", {"sighting_of_ref": indicator_id}),
        "sighting--1f0c2a4e-2f59-4a2e-8d5c-222222222222": ("sighting", {"sighting_of_ref": 7}),
        indicator_id: ("indicator", {"sighting_of_ref": "not a sighting"}),
    }
    with down_at(engine, "0010", IntelObject, IntelCollection):
        with engine.begin() as connection:
            for number, (stix_id, (stix_type, extra)) in enumerate(rows.items()):
                connection.execute(
                    text(
                        "INSERT INTO intel_object (collection_id, stix_id, stix_type, spec_version,"
                        " modified_us, version, date_added_us, is_latest, tlp, publisher_organisation_id,"
                        " recipients, search_text, body) VALUES (:collection, :id, :type, '2.1', 1, 'v',"
                        " :added, true, 'green', NULL, '', '', :body)"
                    ),
                    {"collection": collection_id, "id": stix_id, "type": stix_type, "added": number,
                     "body": json.dumps({"type": stix_type, "id": stix_id, **extra})},
                )  # fmt: skip
        upgrade(engine)
        with engine.connect() as connection:
            found = connection.execute(text("SELECT stix_id, sighting_of_ref FROM intel_object")).all()
        filled: dict[str, str | None] = {str(row[0]): row[1] for row in found}
        assert filled == {
            "sighting--1f0c2a4e-2f59-4a2e-8d5c-111111111111": indicator_id,
            "sighting--1f0c2a4e-2f59-4a2e-8d5c-222222222222": None,
            indicator_id: None,
        }


def test_cycles_before_0012_compare_with_the_cycle_opened_before_each(engine: Engine) -> None:
    """Migration 0012 names, for each existing cycle, the one it compared with until then."""
    with Session(engine) as session, session.begin():
        version_id = ensure_builtin_catalog(session).id
    with down_at(engine, "0011", Cycle):
        with engine.begin() as connection:
            for name in ("2025", "2026", "2027"):
                connection.execute(
                    text(
                        "INSERT INTO assessment_cycle (name, catalog_version_id, created_at)"
                        " VALUES (:n, :v, :t)"
                    ),
                    {"n": name, "v": version_id, "t": datetime(2026, 11, 24)},
                )
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT c.name, p.name FROM assessment_cycle c"
                    " LEFT JOIN assessment_cycle p ON p.id = c.previous_cycle_id ORDER BY c.id"
                )
            ).all()
        assert [tuple(row) for row in rows] == [("2025", None), ("2026", "2025"), ("2027", "2026")]


def test_rebuilding_a_parent_table_keeps_its_children_and_foreign_keys_stay_on(engine: Engine) -> None:
    """SQLite rebuilds ``intel_collection`` (0013) and ``assessment_cycle`` (0012) to change them;
    the rows that point at them (cascading and restricting foreign keys) survive down and up."""
    with Session(engine) as session, session.begin():
        collection = create_collection(session, title="kept", default_tlp=Tlp.GREEN)
        exchange = Organisation(slug="kept-exchange", kind="exchange", name_ja="残る取引所", name_en="Kept")
        session.add(exchange)
        session.flush()
        session.add(IntelCollectionAccess(collection_id=collection.id, organisation_id=exchange.id))
        cycle = new_cycle(session, "kept cycle", ensure_builtin_catalog(session).id)
        start_assessment(session, exchange.id, cycle)
    counts = _row_counts(engine)
    with down_at(engine, "0011", IntelCollectionAccess, Assessment, Cycle, IntelCollection, Organisation):
        assert _row_counts(engine) == counts
        upgrade(engine)
        assert _row_counts(engine) == counts
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _row_counts(engine: Engine) -> dict[str, int]:
    tables = ("intel_collection", "intel_collection_access", "assessment_cycle", "assessment", "organisation")
    with engine.connect() as connection:
        return {
            name: int(connection.scalar(select(func.count()).select_from(table(name))) or 0)
            for name in tables
        }
