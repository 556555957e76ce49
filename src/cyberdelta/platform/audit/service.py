"""Appending to and verifying the hash-chained audit trail (docs/security.md).

Each entry's ``entry_hash`` is the SHA-256 (FIPS 180-4) of a canonical JSON form (RFC 8785-style:
sorted keys, no insignificant whitespace, UTF-8) of its fields including ``previous_hash``, the
hash of the entry before it. Changing, deleting or reordering any entry breaks the chain at that
entry; the head row catches entries removed from the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from cyberdelta.platform.db.base import insert_detached, utcnow

HEAD_ID = 1
HEAD_TABLE = cast(Table, AuditHead.__table__)


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


def _advance_head(session: Session) -> tuple[int, str]:
    """Take the chain's write lock and the next sequence number; return it with the previous hash.

    One ``UPDATE ... RETURNING`` of the head row: it locks the row (PostgreSQL) or the database
    (SQLite) until the transaction ends, so appends are serialised on both backends. The row is made
    on first use; ``ON CONFLICT DO NOTHING`` lets two first writers meet without an error.
    """
    advance = (
        update(HEAD_TABLE)
        .where(HEAD_TABLE.c.id == HEAD_ID)
        .values(sequence=HEAD_TABLE.c.sequence + 1)
        .returning(HEAD_TABLE.c.sequence, HEAD_TABLE.c.entry_hash)
    )
    advanced = session.execute(advance).first()
    if advanced is None:
        upsert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            upsert(HEAD_TABLE)
            .values(id=HEAD_ID, sequence=0, entry_hash=GENESIS_HASH)
            .on_conflict_do_nothing(index_elements=[HEAD_TABLE.c.id])
        )
        advanced = session.execute(advance).one()
    return int(advanced[0]), str(advanced[1])


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
) -> None:
    """Append one entry inside the caller's transaction (it commits or rolls back with the change).

    Three statements through SQLAlchemy Core (advance the head, insert the entry, record its hash
    in the head): every audited request pays for this, so the ORM's unit of work is not used.
    """
    sequence, previous_hash = _advance_head(session)
    entry = AuditEntry(
        sequence=sequence,
        occurred_at=utcnow(),
        action=action,
        actor_user_id=actor_user_id,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        request_id=request_id,
        details=dict(details or {}),
        previous_hash=previous_hash,
    )
    entry.entry_hash = entry_hash(entry)
    insert_detached(session, entry)
    session.execute(update(HEAD_TABLE).where(HEAD_TABLE.c.id == HEAD_ID).values(entry_hash=entry.entry_hash))


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
    head = session.get(AuditHead, HEAD_ID, populate_existing=True)
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


@dataclass(frozen=True)
class ChainState:
    """The newest entry's sequence number and hash, and how many entries the chain holds."""

    sequence: int
    head_hash: str
    entries: int


def chain_state(session: Session) -> ChainState:
    """The chain as it stands, read under the append lock so that no entry lands in between (the
    head row is locked on PostgreSQL; SQLite serialises writers on the database)."""
    head = session.execute(
        select(HEAD_TABLE.c.sequence, HEAD_TABLE.c.entry_hash)
        .where(HEAD_TABLE.c.id == HEAD_ID)
        .with_for_update()
    ).first()
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    if head is None:
        return ChainState(0, GENESIS_HASH, count)
    return ChainState(int(head[0]), str(head[1]), count)


def hashes_by_sequence(session: Session, sequences: Iterable[int]) -> dict[int, str]:
    """The stored hash of each entry named, as the chain holds them now (for signed checkpoints)."""
    wanted = sorted(set(sequences))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        query = select(AuditEntry.sequence, AuditEntry.entry_hash).where(AuditEntry.sequence.in_(chunk))
        found.update({int(sequence): str(value) for sequence, value in session.execute(query)})
    return found


def audit(
    session: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: Mapping[str, Any] | None = None,
    organisation_id: int | None = None,
    user_id: int | None = None,
) -> None:
    """Append the entry for ``action`` done by ``actor`` (docs/architecture.md, "Actors and the
    audit trail"): its person, organisation (unless the entry belongs to another one, given as
    ``organisation_id``), request id, channel, token and client address."""
    record(
        session,
        action=action,
        actor_user_id=user_id if user_id is not None else actor.user_id,
        organisation_id=organisation_id if organisation_id is not None else actor.organisation_id,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        request_id=actor.request_id,
        details={**actor.audit_details(), **(details or {})},
    )
