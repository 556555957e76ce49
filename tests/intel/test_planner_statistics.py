"""Planner statistics during bulk loads: the store analyses the object table as it grows, so that
version lookups by id stay index lookups (cyberdelta.intel.planner_statistics)."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.intel.planner_statistics import ANALYZE_MIN_CHANGES
from cyberdelta.intel.store import Publication, add_objects
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.db.engine import transaction
from tests.intel.stix_factories import indicator

ENVELOPE = 3000  # two envelopes pass ANALYZE_MIN_CHANGES, one does not


def _store_envelopes(factory: sessionmaker[Session], collection_id: str, count: int, first: int) -> None:
    for number in range(first, first + count):
        objects = [indicator(f"10.{number}.{n >> 8}.{n & 255}") for n in range(ENVELOPE)]
        with transaction(factory) as session:
            collection = service.find_collection(session, collection_id)
            assert collection is not None
            status = add_objects(session, collection, objects, Publication(organisation_id=None))
            assert status.success_count == ENVELOPE


def _analyses(engine: Engine) -> int:
    """Manual ANALYZE runs of the object table (PostgreSQL counts them apart from autovacuum's)."""
    with engine.connect() as connection:
        count = connection.scalar(
            text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'intel_object'")
        )
    return int(count or 0)


def _lookup_plan(engine: Engine, backend: str, collection_id: str) -> str:
    explain = "EXPLAIN" if backend == "postgresql" else "EXPLAIN QUERY PLAN"
    lookup = "SELECT stix_id FROM intel_object WHERE collection_id = :collection AND stix_id = :stix_id"
    query = f"{explain} {lookup}"
    with engine.connect() as connection:
        rows = connection.execute(text(query), {"collection": collection_id, "stix_id": "indicator--x"})
        return " ".join(str(row[-1]) for row in rows)


def test_the_object_table_is_analysed_once_enough_rows_were_stored(
    session_factory: sessionmaker[Session], engine: Engine, backend: str
) -> None:
    assert 2 * ENVELOPE > ANALYZE_MIN_CHANGES > ENVELOPE
    with transaction(session_factory) as session:
        collection_id = service.create_collection(session, title="bulk", default_tlp=Tlp.GREEN).id
    _store_envelopes(session_factory, collection_id, 1, first=0)
    if backend == "postgresql":
        assert _analyses(engine) == 0, "analysed before enough rows were stored"
    _store_envelopes(session_factory, collection_id, 1, first=1)
    if backend == "postgresql":
        assert _analyses(engine) == 1
    # Either way a lookup of one id is an index search, not a scan of the collection.
    plan = _lookup_plan(engine, backend, collection_id)
    assert "index" in plan.lower(), plan
    assert "Seq Scan" not in plan and not plan.startswith("SCAN"), plan
