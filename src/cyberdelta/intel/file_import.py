"""Importing a file of STIX objects into a collection, audited with the file's hash
(docs/intel.md, "Importing files"): small files are stored at once through
:func:`~cyberdelta.intel.publishing.publish`, larger ones staged as a pending envelope (TAXII 2.1
§5.5 ``pending``) and stored by the worker once the request has committed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy.orm import Session

from cyberdelta.intel import pending
from cyberdelta.intel.caller import Caller
from cyberdelta.intel.models import IntelCollection, IntelStatus
from cyberdelta.intel.publishing import publish
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.db.after_commit import after_commit
from cyberdelta.platform.settings import Settings


def import_file(
    session: Session,
    settings: Settings,
    actor: Actor,
    caller: Caller,
    target: IntelCollection,
    objects: Sequence[object],
    *,
    name: str,
    data: bytes,
    kind: str,
    anonymous: bool,
) -> IntelStatus:
    """Store (or stage) ``objects`` read from the file ``name``; the entry ``intel.import`` names
    the file, its SHA-256, its format and the outcome."""
    if len(objects) > settings.intel_pending_threshold:
        status = pending.stage(session, caller, target, objects, request_id=actor.request_id)
        # Queued after the commit: the worker finds the held objects.
        after_commit(session, lambda: pending.enqueue(settings))
    else:
        status = publish(session, caller, target, objects, actor=actor)
    audit(
        session,
        actor,
        "intel.import",
        object_type="intel_collection",
        object_id=target.id,
        details={
            "file": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "format": kind,
            "status": status.id,
            "pending": status.status == "pending",
            "total_count": status.total_count,
            "success_count": status.success_count,
            "failure_count": status.failure_count,
            "anonymous": anonymous,
        },
    )
    return status
