"""Appending to and verifying the hash-chained audit trail (DESIGN §8).

Each entry's ``entry_hash`` is the SHA-256 (FIPS 180-4) of a canonical JSON form (RFC 8785-style:
sorted keys, no insignificant whitespace, UTF-8) of its fields including ``previous_hash``, the
hash of the entry before it. Changing, deleting or reordering any entry breaks the chain at that
entry; the head row catches entries removed from the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cyberdelta.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from cyberdelta.db.base import utcnow

HEAD_ID = 1


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    """Every field of an entry but ``id`` and ``entry_hash``: what the chain hash covers."""
    return {
        "sequence": entry.sequence,
        "occurred_at": _timestamp(entry.occurred_at),
        "action": entry.action,
        "actor_user_id": entry.actor_user_id,
        "organisation_id": entry.organisation_id,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "request_id": entry.request_id,
        "details": entry.details,
        "previous_hash": entry.previous_hash,
    }


def canonical(entry: AuditEntry) -> bytes:
    """The bytes that are hashed: every field but ``id`` and ``entry_hash``."""
    fields = _hashed_fields(entry)
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _timestamp(value: datetime) -> str:
    # Microseconds are kept by both backends; the ISO form is stable across them.
    return value.isoformat(timespec="microseconds")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    """Take the chain's write lock: an UPDATE locks the head row (PostgreSQL) or the database (SQLite)."""
    touched = session.execute(
        update(AuditHead).where(AuditHead.id == HEAD_ID).values(sequence=AuditHead.sequence)
    )
    if getattr(touched, "rowcount", 0) == 0:
        session.add(AuditHead(id=HEAD_ID, sequence=0, entry_hash=GENESIS_HASH))
        session.flush()
    head = session.get(AuditHead, HEAD_ID, populate_existing=True)
    assert head is not None  # noqa: S101 (created just above when missing)
    return head


def record(
    session: Session,
    *,
    action: str,
    actor_user_id: int | None,
    organisation_id: int | None,
    object_type: str | None = None,
    object_id: str | None = None,
    request_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction (it commits or rolls back with the change)."""
    head = _lock_head(session)
    entry = AuditEntry(
        sequence=head.sequence + 1,
        action=action,
        actor_user_id=actor_user_id,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        request_id=request_id,
        details=dict(details or {}),
        previous_hash=head.entry_hash,
    )
    entry.occurred_at = utcnow()
    entry.entry_hash = entry_hash(entry)
    session.add(entry)
    head.sequence = entry.sequence
    head.entry_hash = entry.entry_hash
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainProblem:
    """The first entry at which the chain does not hold, and why."""

    sequence: int
    entry_id: int | None
    reason: str


@dataclass(frozen=True)
class Verification:
    entries: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session) -> Verification:
    """Walk the chain in sequence order and report the first modified, missing or reordered entry."""
    previous = GENESIS_HASH
    expected_sequence = 1
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)):
        count += 1
        if entry.sequence != expected_sequence:
            return Verification(
                count,
                ChainProblem(expected_sequence, entry.id, f"entry {expected_sequence} is missing"),
            )
        if entry.previous_hash != previous:
            return Verification(
                count,
                ChainProblem(
                    entry.sequence,
                    entry.id,
                    f"entry {entry.sequence} does not follow entry {entry.sequence - 1} "
                    "(deleted, inserted or reordered)",
                ),
            )
        if entry_hash(entry) != entry.entry_hash:
            return Verification(
                count, ChainProblem(entry.sequence, entry.id, f"entry {entry.sequence} was modified")
            )
        previous = entry.entry_hash
        expected_sequence += 1
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and (head.sequence != count or head.entry_hash != previous):
        return Verification(
            count,
            ChainProblem(
                count + 1, None, f"entries after {count} are missing (the head names {head.sequence})"
            ),
        )
    return Verification(count, None)


def entries(
    session: Session, *, organisation_id: int | None = None, limit: int | None = None
) -> list[AuditEntry]:
    """Newest first; ``organisation_id`` None means every organisation (platform admin only)."""
    query = select(AuditEntry).order_by(AuditEntry.sequence.desc())
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def as_json(entry: AuditEntry) -> dict[str, Any]:
    return {**_hashed_fields(entry), "entry_hash": entry.entry_hash}


def export_lines(session: Session) -> Iterator[str]:
    """JSON lines, oldest first, each a complete entry with its hashes."""
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)):
        yield json.dumps(as_json(entry), ensure_ascii=False, sort_keys=True)
