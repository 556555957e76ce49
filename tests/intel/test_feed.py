"""The feed's sighting counts (STIX 2.1 §5.2 ``sighting_of_ref``): what a reader may see of the
sightings of each indicator, counted through the partial index of that reference."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel import service
from cyberdelta.intel.feed import sighting_count_query, sighting_counts
from cyberdelta.intel.store import Publication, add_objects
from cyberdelta.intel.tlp import ANONYMOUS, TLP2_MARKING_IDS, Reader, Tlp
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import OrganisationKind
from tests.intel.stix_factories import CREATED, indicator, make_hub


def sighting(
    of: str, tlp: Tlp, *, modified: str = CREATED, identifier: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": identifier or f"sighting--{uuid.uuid4()}",
        "created": CREATED,
        "modified": modified,
        "sighting_of_ref": of,
        "object_marking_refs": [TLP2_MARKING_IDS[tlp]],
        **extra,
    }


def publish(
    factory: sessionmaker[Session],
    collection_id: str,
    publisher: int,
    objects: list[dict[str, Any]],
    recipients: dict[str, int] | None = None,
) -> None:
    with transaction(factory) as session:
        collection = service.find_collection(session, collection_id)
        assert collection is not None
        publication = Publication(
            organisation_id=publisher, resolve_recipients=lambda _slugs: recipients or {}
        )
        status = add_objects(session, collection, objects, publication)
        assert status.failure_count == 0, status.failures


def test_each_reader_counts_the_latest_versions_of_the_sightings_it_may_see(
    session_factory: sessionmaker[Session],
) -> None:
    hub = make_hub(session_factory)
    watched, quiet = indicator("198.51.100.1"), indicator("198.51.100.2")
    revised = f"sighting--{uuid.uuid4()}"
    publish(session_factory, hub.collection_id, hub.publisher_id, [
        watched, quiet,
        sighting(watched["id"], Tlp.CLEAR),
        sighting(watched["id"], Tlp.AMBER),
        sighting(watched["id"], Tlp.RED),  # the publisher's own only
        sighting(watched["id"], Tlp.RED, x_cyberdelta_recipients=["exchange-b"]),
        sighting(watched["id"], Tlp.GREEN, identifier=revised),
    ], recipients={"exchange-b": hub.other_id})  # fmt: skip
    # A new version of a sighting replaces its old one: it is counted once.
    publish(session_factory, hub.collection_id, hub.publisher_id, [
        sighting(watched["id"], Tlp.GREEN, identifier=revised, modified="2026-11-24T00:00:00.000Z"),
    ])  # fmt: skip
    with session_factory() as session:
        stranger = service.create_collection(session, title="elsewhere", default_tlp=Tlp.CLEAR).id
        session.commit()
    publish(session_factory, stranger, hub.publisher_id, [sighting(watched["id"], Tlp.CLEAR)])
    readers = {
        "publisher": Reader(hub.publisher_id, OrganisationKind.EXCHANGE.value),
        "named recipient": Reader(hub.other_id, OrganisationKind.EXCHANGE.value),
        "isac": Reader(hub.isac_id, OrganisationKind.ISAC.value),
        "anonymous": ANONYMOUS,
    }
    wanted = [watched["id"], quiet["id"]]
    with session_factory() as session:
        counts = {
            name: sighting_counts(session, reader, [hub.collection_id], wanted)
            for name, reader in readers.items()
        }
        both = sighting_counts(session, readers["anonymous"], [hub.collection_id, stranger], wanted)
    assert counts == {
        "publisher": {watched["id"]: 5},  # CLEAR, AMBER, both REDs, GREEN (latest version only)
        "named recipient": {watched["id"]: 4},  # not the RED addressed to nobody else
        "isac": {watched["id"]: 3},  # CLEAR, AMBER, GREEN
        "anonymous": {watched["id"]: 1},  # CLEAR only
    }
    assert both == {watched["id"]: 2}  # a sighting counts only where the reader looks


def test_the_count_is_an_index_lookup(
    engine: Engine, backend: str, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    target = indicator("192.0.2.9")
    others = [indicator(f"192.0.2.{n}") for n in range(30)]
    publish(
        session_factory,
        hub.collection_id,
        hub.publisher_id,
        [target, *others, sighting(target["id"], Tlp.GREEN)],
    )
    reader = Reader(hub.other_id, OrganisationKind.EXCHANGE.value)
    statement = sighting_count_query(reader, [hub.collection_id], [target["id"]])
    compiled = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN" if backend == "postgresql" else "EXPLAIN QUERY PLAN"
    with engine.connect() as connection:
        if backend == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))  # a small table: which index would serve
        plan = " ".join(str(row[-1]) for row in connection.execute(text(f"{explain} {compiled}")))
    assert "ix_intel_object_sighting_of" in plan, plan
