"""Envelopes accepted with status ``pending`` and stored by the background worker (TAXII 2.1 §5.5, §4.3).

A POST of more than ``Settings.intel_pending_threshold`` objects is answered at once with 202 and a
status resource whose ``status`` is ``pending``, ``pending_count`` the number of objects and
``pendings`` their ids and versions. The objects are held durably in ``intel_pending_envelope``
(committed before the answer), and a job on the app's huey queue
(:mod:`cyberdelta.platform.jobs`, so ``Settings.jobs_mode`` governs it) validates them
— across worker processes for the full stix2-validator — and then, in one transaction, deletes the
held envelope, stores the valid objects and completes the status resource with its success and
failure counts and details. A crash before that commit leaves the envelope held: the next job, or
a status read once the envelope is older than :data:`RECOVER_AFTER`, takes it up again.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, cast

import orjson
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.caller import Caller
from cyberdelta.intel.models import IntelCollection, IntelPendingEnvelope, IntelStatus
from cyberdelta.intel.publishing import publish
from cyberdelta.intel.store import lock_collection
from cyberdelta.intel.timestamps import now_us
from cyberdelta.intel.tlp import Reader
from cyberdelta.intel.validation_pool import envelope_problems
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.jobs import enqueue as enqueue_task
from cyberdelta.platform.jobs import session_factory
from cyberdelta.platform.settings import Settings

RECOVER_AFTER = timedelta(seconds=60)
BATCH = 20
logger = logging.getLogger(__name__)


def stage(
    session: Session,
    caller: Caller,
    collection: IntelCollection,
    objects: Sequence[object],
    *,
    request_id: str | None,
) -> IntelStatus:
    """Hold an envelope and create its ``pending`` status resource (commit, then :func:`enqueue`).

    The collection's write lock is taken first, as for storing: a collection being deleted at the
    same moment either sees this envelope (and is kept) or is gone (:class:`MissingCollectionError`).
    """
    if caller.organisation_id is None:
        raise ValueError("caller: only an organisation can publish")
    lock_collection(session.connection(), collection.id)
    status = IntelStatus(
        id=str(uuid.uuid4()),
        collection_id=collection.id,
        organisation_id=caller.organisation_id,
        status="pending",
        request_timestamp_us=now_us(),
        total_count=len(objects),
        success_count=0,
        failure_count=0,
        pending_count=len(objects),
        successes=[],
        failures=[],
    )
    session.add(status)
    session.flush()
    session.add(
        IntelPendingEnvelope(
            status_id=status.id,
            collection_id=collection.id,
            organisation_id=caller.organisation_id,
            user_id=caller.user_id,
            request_id=request_id,
            objects=orjson.dumps(list(objects)).decode(),
        )
    )
    session.flush()
    return status


def pendings(session: Session, status: IntelStatus) -> list[dict[str, str]]:
    """TAXII 2.1 §4.3.1 ``pendings``: the id and version of every object not stored yet."""
    if status.status != "pending":
        return []
    held = session.get(IntelPendingEnvelope, status.id)
    if held is None:
        return []
    return [_pending_detail(stix_object) for stix_object in orjson.loads(held.objects)]


def _pending_detail(stix_object: object) -> dict[str, str]:
    if not isinstance(stix_object, dict):
        return {"id": "", "version": ""}
    identifier = stix_object.get("id")
    version = stix_object.get("modified") or stix_object.get("created")
    return {
        "id": identifier if isinstance(identifier, str) else "",
        "version": version if isinstance(version, str) else "",
    }


def is_stale(session: Session, status: IntelStatus) -> bool:
    """Whether a pending envelope has waited longer than :data:`RECOVER_AFTER` (a lost job)."""
    held = session.get(IntelPendingEnvelope, status.id)
    return held is not None and utcnow() - held.created_at > RECOVER_AFTER


def store_held(factory: sessionmaker[Session], status_id: str, workers: int) -> bool:
    """Validate and store one held envelope; False when there is none (already stored elsewhere).

    Validation runs before the writing transaction, so that SQLite's single writer is not held
    while the validator works; the envelope is claimed by deleting it in the writing transaction.
    """
    with transaction(factory) as session:
        held = session.get(IntelPendingEnvelope, status_id)
        if held is None:
            return False
        objects: list[object] = orjson.loads(held.objects)
        request_id = held.request_id
        caller = Caller(
            reader=Reader(held.organisation_id, None), read=True, write=True, user_id=held.user_id
        )
        collection_id = held.collection_id
    problems = envelope_problems(objects, workers=workers)
    with transaction(factory) as session:
        claim = delete(IntelPendingEnvelope).where(IntelPendingEnvelope.status_id == status_id)
        if cast(CursorResult[Any], session.execute(claim)).rowcount != 1:
            return False
        status = session.get(IntelStatus, status_id)
        collection = session.get(IntelCollection, collection_id)
        if status is None or collection is None:  # deleted meanwhile (cascades remove the envelope)
            return False
        publish(
            session,
            caller,
            collection,
            objects,
            # The worker stores it; the entry keeps the id of the request that sent it.
            actor=dataclasses.replace(Actor.job(), request_id=request_id),
            problems=problems,
            pending=status,
        )
    return True


def store_all_held(factory: sessionmaker[Session], workers: int) -> int:
    """Store every held envelope, oldest first; one that fails is logged and left for a later job."""
    stored, failed = 0, set[str]()
    while True:
        with transaction(factory) as session:
            waiting = select(IntelPendingEnvelope.status_id).order_by(IntelPendingEnvelope.created_at)
            batch = [status_id for status_id in session.scalars(waiting) if status_id not in failed]
        if not batch:
            return stored
        for status_id in batch[:BATCH]:
            try:
                stored += int(store_held(factory, status_id, workers))
            except Exception:  # the envelope stays held; the status stays pending
                logger.exception("storing pending intel envelope %s failed", status_id)
                failed.add(status_id)


def run_pending(database_url: str, workers: int) -> None:
    """The huey task: store every held envelope."""
    store_all_held(session_factory(database_url), workers)


def enqueue(settings: Settings) -> None:
    """Queue the storing of held envelopes; call after the staging transaction has committed."""
    enqueue_task(settings, run_pending, settings.resolved_database_url, settings.intel_validation_workers)
