"""Signed checkpoints of the live audit chain (docs/accounts.md, "Audit trail"): the platform's
pure signer and verifier (:mod:`cyberdelta.platform.audit.checkpoints`) applied to the database.

A checkpoint signs the head's sequence number and hash with a key kept outside the database, so
that someone who can write the database but not read the key cannot rewrite entries and re-hash
the chain after them, or drop its tail and rewind the head, without a checkpoint failing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from cyberdelta.platform.audit import service
from cyberdelta.platform.audit.checkpoint_keys import signing_key_from
from cyberdelta.platform.audit.checkpoints import (
    Checkpoint,
    CheckpointVerification,
    append_checkpoint,
    create_checkpoint,
    verify_checkpoints,
)
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.jobs import session_factory
from cyberdelta.platform.settings import Settings

log = logging.getLogger(__name__)


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The configured checkpoint key (``CYBERDELTA_AUDIT_CHECKPOINT_KEY`` or ``…_KEY_FILE``)."""
    value = settings.audit_checkpoint_key.get_secret_value() if settings.audit_checkpoint_key else None
    return signing_key_from(value, settings.audit_checkpoint_key_file)


def checkpoint(session: Session, key: Ed25519PrivateKey, path: Path) -> Checkpoint:
    """Sign the chain's current head and append the checkpoint to ``path`` (JSON lines)."""
    state = service.chain_state(session)
    made = create_checkpoint(
        key, sequence=state.sequence, head_hash=state.head_hash, entry_count=state.entries
    )
    append_checkpoint(path, made)
    return made


def verify(
    session: Session, checkpoints: Sequence[Checkpoint], public_keys: Iterable[Ed25519PublicKey]
) -> CheckpointVerification:
    """Check ``checkpoints`` against the chain as the database holds it now."""
    state = service.chain_state(session)
    hashes = service.hashes_by_sequence(session, (item.sequence for item in checkpoints))
    return verify_checkpoints(checkpoints, public_keys, hash_at=hashes, length=state.entries)


def daily_checkpoint(settings: Settings) -> Checkpoint | None:
    """The worker's daily checkpoint, when a key is configured."""
    if not settings.checkpoints_enabled:
        return None
    key = signing_key(settings)
    with transaction(session_factory(settings.resolved_database_url)) as session:
        made = checkpoint(session, key, settings.resolved_checkpoint_file)
    log.info("audit checkpoint at entry %s written to %s", made.sequence, settings.resolved_checkpoint_file)
    return made
