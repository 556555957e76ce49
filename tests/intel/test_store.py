"""The object store under concurrent writers: envelopes posted at the same time to one collection.

TAXII 2.1 §3.4.1 ``added_after`` paging is exact only if ``date_added`` grows with every stored
object and a reader never sees a later ``date_added`` committed before an earlier one. Several
members (or one feed with several connections) post to the same collection at once, over a real
server and real connections.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import pytest
import requests
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.models import IntelCollection, IntelCollectionAccess, IntelObject
from cyberdelta.intel.store import MissingCollectionError, Publication, add_objects
from cyberdelta.intel.tlp import Tlp
from cyberdelta.platform.db.engine import transaction
from tests.intel.stix_factories import ROOT, envelope, indicator, make_hub, taxii_headers

WRITERS = 6
PER_ENVELOPE = 40


def test_concurrent_envelopes_get_distinct_increasing_date_added_and_share_one_version(
    live_server: str, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory, default_tlp=Tlp.GREEN)
    url = f"{live_server}{ROOT}/collections/{hub.collection_id}/objects/"
    # Every envelope also carries the same version of one object: it is stored once, and reported
    # as a success to every writer.
    shared = indicator("192.0.2.1")
    bodies = [
        orjson.dumps(envelope([shared, *(indicator(f"10.{w}.0.{n}") for n in range(PER_ENVELOPE))]))
        for w in range(WRITERS)
    ]
    # The token's first use records last_used_at (a row write); later requests only read it.
    warm_up = requests.get(url, headers=taxii_headers(hub.publisher), timeout=60)
    assert warm_up.status_code == 200
    start = threading.Barrier(WRITERS)

    def post(body: bytes) -> tuple[int, dict[str, Any]]:
        with requests.Session() as http:
            start.wait(timeout=30)
            response = http.post(url, data=body, headers=taxii_headers(hub.publisher), timeout=60)
            return response.status_code, response.json()

    with ThreadPoolExecutor(WRITERS) as pool:
        answers = list(pool.map(post, bodies))

    assert [code for code, _document in answers] == [202] * WRITERS, answers
    assert {(doc["success_count"], doc["failure_count"]) for _code, doc in answers} == {(PER_ENVELOPE + 1, 0)}
    with session_factory() as session:
        added = session.scalars(
            select(IntelObject.date_added_us).where(IntelObject.collection_id == hub.collection_id)
        ).all()
        copies = session.scalar(select(func.count()).where(IntelObject.stix_id == shared["id"]))
    assert copies == 1
    assert len(added) == WRITERS * PER_ENVELOPE + 1
    assert len(set(added)) == len(added), "two objects share a date_added"

    # Paging with added_after (the way every TAXII client polls) returns each object exactly once.
    seen: list[str] = []
    params = {"limit": "25"}
    with requests.Session() as http:
        while True:
            response = http.get(url, params=params, headers=taxii_headers(hub.publisher), timeout=60)
            page = response.json().get("objects", [])
            if not page:
                break
            seen += [item["id"] for item in page]
            params["added_after"] = response.headers["X-TAXII-Date-Added-Last"]
    assert len(seen) == len(set(seen)) == WRITERS * PER_ENVELOPE + 1


def test_an_envelope_for_a_collection_that_is_gone_stores_nothing(
    session_factory: sessionmaker[Session],
) -> None:
    """Objects reference their collection without a per-row foreign key: the store checks it once."""
    hub = make_hub(session_factory, default_tlp=Tlp.GREEN)
    with session_factory() as session:
        gone = session.get(IntelCollection, hub.collection_id)
        assert gone is not None
        session.expunge(gone)
    with session_factory() as session, session.begin():
        session.execute(delete(IntelCollectionAccess).where(IntelCollectionAccess.collection_id == gone.id))
        session.execute(delete(IntelCollection).where(IntelCollection.id == gone.id))
    refused = pytest.raises(MissingCollectionError, match="no collection")
    with refused, transaction(session_factory) as session:
        add_objects(session, gone, [indicator()], Publication(organisation_id=hub.publisher_id))
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(IntelObject)) == 0
