"""TAXII 2.1 §5.5 / §4.3: large envelopes are answered ``pending`` and stored by the background worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from taxii2client.v21 import Server, Status

from cyberdelta.intel import pending, validation_pool
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.models import IntelCollection, IntelObject, IntelPendingEnvelope, IntelStatus
from cyberdelta.intel.service import CollectionError, create_collection, delete_collection, find_collection
from cyberdelta.intel.store import MissingCollectionError
from cyberdelta.intel.tlp import Reader, Tlp
from cyberdelta.intel.validation import problem
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from tests.intel.live_taxii import free_port, serving
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers

THRESHOLD = 3


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def live_server(app: FastAPI, port: int) -> Iterator[str]:
    with serving(app, port) as url:
        yield url


@pytest.fixture
def settings(settings: Settings, port: int) -> Settings:
    """Envelopes of more than three objects go through the pending path; discovery names the
    loopback server's own address as base URL (TAXII 2.1 §4.1)."""
    return settings.model_copy(
        update={
            "intel_pending_threshold": THRESHOLD,
            "intel_validation_workers": 1,
            "base_url": f"http://127.0.0.1:{port}",
        }
    )


@pytest.fixture
def hub(session_factory: sessionmaker[Session]) -> Hub:
    return make_hub(session_factory, default_tlp=Tlp.GREEN)


def stored_ids(factory: sessionmaker[Session]) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(IntelObject.stix_id)))


def held(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(IntelPendingEnvelope)) or 0)


def test_taxii2_client_sees_pending_then_complete_with_counts_and_details(
    live_server: str, hub: Hub, session_factory: sessionmaker[Session]
) -> None:
    good = [indicator(f"198.51.100.{number}") for number in range(5)]
    bad = dict(indicator("198.51.100.99"), id="indicator--not-a-uuid")
    server = Server(f"{live_server}/taxii2/", user="exchange-a", password=hub.publisher)
    [collection] = server.api_roots[0].collections

    status: Status = collection.add_objects({"objects": [*good, bad]}, wait_for_completion=False)

    # The answer comes before the objects are stored.
    assert (status.status, status.total_count, status.pending_count) == ("pending", 6, 6)
    assert [entry["id"] for entry in status.pendings] == [item["id"] for item in [*good, bad]]
    assert (status.success_count, status.failure_count) == (0, 0)
    status.wait_until_final(poll_interval=0.1, timeout=30)
    assert (status.status, status.success_count, status.failure_count, status.pending_count) == (
        "complete",
        5,
        1,
        0,
    )
    assert status.pendings == []
    assert {item["id"] for item in status.successes} == {item["id"] for item in good}
    assert status.failures[0]["id"] == "indicator--not-a-uuid"
    assert "UUID" in status.failures[0]["message"]
    assert stored_ids(session_factory) == {item["id"] for item in good}
    assert held(session_factory) == 0
    with session_factory() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.object_id == status.id))
        assert entry is not None and entry.action == "intel.publish"
        assert entry.organisation_id == hub.publisher_id
    collection.close()
    server.close()


def test_envelopes_up_to_the_threshold_are_stored_before_the_answer(client: TestClient, hub: Hub) -> None:
    sent = [indicator(f"203.0.113.{number}") for number in range(THRESHOLD)]
    response = client.post(
        f"{ROOT}/collections/{hub.collection_id}/objects/",
        json=envelope(sent),
        headers=taxii_headers(hub.publisher),
    )
    assert response.status_code == 202
    document = response.json()
    assert (document["status"], document["success_count"], document["pending_count"]) == ("complete", 3, 0)
    assert document["pendings"] == []


def stage_without_job(factory: sessionmaker[Session], hub: Hub, objects: Sequence[object]) -> str:
    """Hold an envelope the way the POST does, but lose its job (as a crash after the commit would)."""
    caller = Caller(reader=Reader(hub.publisher_id, "exchange"), read=True, write=True)
    with transaction(factory) as session:
        collection = find_collection(session, hub.collection_id)
        assert collection is not None
        return pending.stage(session, caller, collection, objects, request_id=None).id


def test_a_held_envelope_survives_a_lost_job_and_a_late_status_read_resumes_it(
    client: TestClient, hub: Hub, session_factory: sessionmaker[Session]
) -> None:
    sent = [indicator(f"192.0.2.{number}") for number in range(4)]
    status_id = stage_without_job(session_factory, hub, sent)
    url = f"{ROOT}/status/{status_id}/"

    document = client.get(url, headers=taxii_headers(hub.publisher)).json()
    assert (document["status"], document["pending_count"]) == ("pending", 4)
    assert [entry["id"] for entry in document["pendings"]] == [item["id"] for item in sent]
    assert stored_ids(session_factory) == set()  # a fresh envelope is left to its own job

    with transaction(session_factory) as session:
        envelope_row = session.get(IntelPendingEnvelope, status_id)
        assert envelope_row is not None
        envelope_row.created_at -= pending.RECOVER_AFTER + timedelta(seconds=1)
    client.get(url, headers=taxii_headers(hub.publisher))  # stale: the read queues a job
    for _attempt in range(300):
        document = client.get(url, headers=taxii_headers(hub.publisher)).json()
        if document["status"] == "complete":
            break
        time.sleep(0.1)
    assert (document["status"], document["success_count"], document["pending_count"]) == ("complete", 4, 0)
    assert stored_ids(session_factory) == {item["id"] for item in sent}


def test_storing_held_envelopes_is_done_once(session_factory: sessionmaker[Session], hub: Hub) -> None:
    sent = [indicator(f"192.0.2.{number}") for number in range(5)]
    status_id = stage_without_job(session_factory, hub, sent)

    assert pending.store_all_held(session_factory, workers=1) == 1
    assert pending.store_held(session_factory, status_id, workers=1) is False  # already stored
    assert pending.store_all_held(session_factory, workers=1) == 0
    with session_factory() as session:
        status = session.get(IntelStatus, status_id)
        assert status is not None
        assert (status.status, status.success_count, status.pending_count) == ("complete", 5, 0)
        assert pending.pendings(session, status) == []
        stored = session.scalar(select(func.count()).select_from(IntelObject))
    assert stored == 5


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(validation_pool, "CHUNK", 4)
    yield


@pytest.mark.usefixtures("small_chunks")
def test_a_collection_holding_an_envelope_is_not_deleted_and_a_deleted_one_holds_none(
    session_factory: sessionmaker[Session], hub: Hub
) -> None:
    """Holding an envelope takes the collection's write lock, as deleting an (empty) collection does."""
    stage_without_job(session_factory, hub, [indicator() for _ in range(THRESHOLD + 1)])
    with (
        pytest.raises(CollectionError, match="0 件のオブジェクトと、保存待ちのエンベロープ 1 件"),
        transaction(session_factory) as session,
    ):
        collection = find_collection(session, hub.collection_id)
        assert collection is not None
        delete_collection(session, collection)
    with transaction(session_factory) as session:
        empty = create_collection(session, title="made by mistake")
        session.expunge(empty)
    with transaction(session_factory) as session:
        delete_collection(session, session.get_one(IntelCollection, empty.id))
    caller = Caller(reader=Reader(hub.publisher_id, "exchange"), read=True, write=True)
    with pytest.raises(MissingCollectionError), transaction(session_factory) as session:
        pending.stage(session, caller, empty, [indicator()] * 5, request_id=None)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(IntelPendingEnvelope)) == 1  # the first
        assert session.scalar(select(func.count()).select_from(IntelStatus)) == 1


def test_full_validation_in_worker_processes_gives_the_same_verdicts_in_order() -> None:
    objects: list[object] = []
    # Objects the fast path cannot judge (a qualifier, a broken pattern) go to the workers when
    # there are more than a chunk of them; the others are decided in this process.
    rounds = validation_pool.CHUNK // 2 + 10
    for number in range(rounds):
        objects.append(indicator(f"10.0.0.{number % 250}"))
        within = f"[ipv4-addr:value = '10.0.3.{number % 250}'] WITHIN 5 SECONDS"
        objects.append(indicator(f"10.0.3.{number % 250}", pattern=within))
        objects.append(dict(indicator(f"10.0.1.{number % 250}"), pattern="[ipv4-addr:value = 'x'] AND"))
    verdicts = validation_pool.envelope_problems(objects, workers=2)
    assert 2 in validation_pool._pools
    assert verdicts == [problem(item) for item in objects]
    assert verdicts.count(None) == 2 * rounds


WORKER_SCRIPT = """
import os, sys, time
from cyberdelta.intel import validation_pool
from tests.intel.stix_factories import indicator

if __name__ == "__main__":
    within = "[ipv4-addr:value = '10.9.0.1'] WITHIN 5 SECONDS"  # only the library judges it
    objects = [indicator("10.9.0.1", pattern=within) for number in range(validation_pool.CHUNK + 1)]
    validation_pool.envelope_problems(objects, workers=2)
    print(" ".join(str(pid) for pid in validation_pool._pools[2]._processes), flush=True)
    time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return status != "Z"


def test_validation_workers_leave_when_the_server_process_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(WORKER_SCRIPT)
    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    with subprocess.Popen(
        [sys.executable, str(script)], cwd=root, stdout=subprocess.PIPE, text=True, env=environment
    ) as server:
        assert server.stdout is not None
        workers = [int(pid) for pid in server.stdout.readline().split()]
        server.kill()  # no atexit, no pool shutdown: the workers must notice on their own
    assert len(workers) == 2
    for _attempt in range(300):
        if not any(alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)
