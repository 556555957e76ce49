"""Signed checkpoints of the hash-chained audit trail: Ed25519 signatures over the chain's head.

The audit trail is a hash chain (each entry stores the SHA-256 of its predecessor, and the
``audit_head`` row names the newest entry's sequence number and hash). A chain proves only that its
entries agree with *each other*: whoever can write to the database can change an entry and re-hash
every entry after it and the head, or delete the newest entries and rewind the head, and the chain
verifies again. A checkpoint fixes the chain from outside the database: a statement "entry
``sequence`` has hash ``head_hash``; the chain held ``entry_count`` entries at ``created_at``", signed
with an Ed25519 key (RFC 8032, through the ``cryptography`` library) that is not in the database.
OWASP ASVS 5.0 V16.4.2 asks that logs cannot be modified, V16.4.3 that they be sent to a logically
separate system so that a breach of the application does not compromise them; exporting signed
checkpoints off the host serves both.

What it protects against, provided the chain itself also verifies (``audit.service.verify``):

* an entry changed, deleted or inserted at or before a checkpoint's sequence, even with the whole
  chain and head re-hashed afterwards: the entry at the checkpoint's sequence no longer has the
  signed hash (``rewritten``, or ``missing`` when there is no entry of that sequence);
* truncation or a rewind of the head: the chain is now shorter than a checkpoint (``truncated``);
* a forged or altered checkpoint: its signature does not verify (``bad_signature``), or it names a
  key that is not trusted (``unknown_key``).

What it does not protect against:

* an attacker holding the signing key: they can sign checkpoints of a rewritten chain. Keep the key
  out of the database and backups of it, in a file readable only by the service (or a secret store),
  and rotate it (old public keys stay in the verifier's trusted set) if the host may be compromised;
* changes to entries after the newest checkpoint: the window is the interval between checkpoints;
* deletion of the checkpoint file, or of its newest lines, or its replacement by an older copy:
  store each export **off the host** as well (write-once storage, another organisation, the
  supervisor's copy), and compare the newest checkpoint found there with the one verified here;
* events that were never recorded, and the confidentiality of the trail.

The periodic job signs whatever the database holds, so after a rewrite the *new* checkpoints hold
for the rewritten chain: the evidence is the older checkpoints that no longer hold. Keep them all,
and treat any problem as an incident rather than looking only at the newest checkpoint.

Canonical form: the signed bytes are the UTF-8 JSON of the checkpoint's fields plus ``"format"``,
keys sorted, no whitespace; the values are integers below 2**53 and ASCII strings without escapes,
for which this is also the RFC 8785 (JCS) serialisation. ``format`` separates these signatures from
any other use of the key. The export is JSON lines: one checkpoint per line, the same fields plus
``"signature"`` (standard base64 of the 64-byte signature).

Wiring (for the integrator; this module imports only the standard library and ``cryptography``):

* settings: ``audit_checkpoint_key`` (secret; PEM PKCS#8 or base64 of the 32-byte private key) or
  ``audit_checkpoint_key_file`` (a path; refused when group or others may read it), and
  ``audit_checkpoint_public_keys`` (the trusted public keys, PEM or base64, for verification);
  ``signing_key_from(value, path)`` loads the private key from whichever is set;
* a periodic job reads ``AuditHead.sequence``, ``AuditHead.entry_hash`` and ``count(AuditEntry)``
  in one transaction that no append can interleave with (on PostgreSQL lock the head row first,
  ``SELECT ... FOR UPDATE``; a SQLite transaction reads one snapshot), calls ``create_checkpoint(key,
  sequence=..., head_hash=..., entry_count=...)`` and ``append_checkpoint(path, checkpoint)``, and
  ships the line off the host;
* verification (CLI or job): ``verify_checkpoints(read_checkpoint_file(path), keys,
  hash_at=..., length=...)`` where ``hash_at(sequence)`` is ``service.entry_hash(entry)`` of the
  entry with that sequence (recomputed from its fields, so an edit that left the stored hash alone
  is seen too) or None, and ``length`` the number of entries now (``count(*)``); run
  ``service.verify`` as well;
* ``generate_key().operator_text()`` prints a new key pair with instructions for the operator.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cyberdelta.platform.audit.checkpoint_keys import (
    key_id,
)

FORMAT = "cyberdelta-audit-checkpoint/1"
GENESIS_HASH = "0" * 64  # the head's hash before the first entry (audit.models.GENESIS_HASH)
_MAX_SAFE_INTEGER = 2**53 - 1
_HASH = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"ed25519:[0-9a-f]{32}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_FIELDS = frozenset({"format", "sequence", "head_hash", "entry_count", "created_at", "key_id", "signature"})

Problem = Literal["unknown_key", "bad_signature", "truncated", "missing", "rewritten"]


class CheckpointFormatError(ValueError):
    """A checkpoint line is not a well-formed checkpoint (the file is damaged or was edited)."""


# --- checkpoints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The signed statement "entry ``sequence`` has hash ``head_hash``; there were ``entry_count``"."""

    sequence: int
    head_hash: str
    entry_count: int
    created_at: str
    key_id: str
    signature: str

    def payload(self) -> bytes:
        """The canonical bytes that are signed (every field but ``signature``, plus ``format``)."""
        return signed_bytes(self.sequence, self.head_hash, self.entry_count, self.created_at, self.key_id)

    def to_json(self) -> str:
        """One JSON line of the export (no newline)."""
        fields = {**json.loads(self.payload()), "signature": self.signature}
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> Checkpoint:
        try:
            fields = json.loads(line)
        except ValueError as error:
            raise CheckpointFormatError(f"not JSON ({error})") from None
        if not isinstance(fields, dict) or set(fields) != _FIELDS:
            raise CheckpointFormatError(f"a checkpoint has exactly the fields {sorted(_FIELDS)}")
        if fields["format"] != FORMAT:
            raise CheckpointFormatError(f"unknown format {fields['format']!r}")
        if not isinstance(fields["signature"], str):
            raise CheckpointFormatError("the signature is not a string")
        _check(
            fields["sequence"],
            fields["head_hash"],
            fields["entry_count"],
            fields["created_at"],
            fields["key_id"],
        )
        return cls(
            fields["sequence"],
            fields["head_hash"],
            fields["entry_count"],
            fields["created_at"],
            fields["key_id"],
            fields["signature"],
        )


def _check(sequence: object, head_hash: object, entry_count: object, created_at: object, key: object) -> None:
    for name, number in (("sequence", sequence), ("entry_count", entry_count)):
        if type(number) is not int or not 0 <= number <= _MAX_SAFE_INTEGER:
            raise CheckpointFormatError(f"{name} must be an integer from 0 to 2**53 - 1")
    if not isinstance(head_hash, str) or not _HASH.fullmatch(head_hash):
        raise CheckpointFormatError("head_hash must be 64 lower-case hex digits (SHA-256)")
    if not isinstance(created_at, str) or not _TIMESTAMP.fullmatch(created_at):
        raise CheckpointFormatError("created_at must be a UTC timestamp like 2026-04-01T09:30:00.000000Z")
    if not isinstance(key, str) or not _KEY_ID.fullmatch(key):
        raise CheckpointFormatError("key_id must be 'ed25519:' and 32 hex digits")


def signed_bytes(sequence: int, head_hash: str, entry_count: int, created_at: str, key: str) -> bytes:
    _check(sequence, head_hash, entry_count, created_at, key)
    fields = {
        "format": FORMAT,
        "sequence": sequence,
        "head_hash": head_hash,
        "entry_count": entry_count,
        "created_at": created_at,
        "key_id": key,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("the checkpoint time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def create_checkpoint(
    key: Ed25519PrivateKey,
    *,
    sequence: int,
    head_hash: str,
    entry_count: int,
    now: datetime | None = None,
) -> Checkpoint:
    """Sign the chain's head: its sequence number, its hash and the number of entries.

    Read the three in one transaction (the head row and ``count(*)`` of the entries). An empty
    chain has sequence 0 and the genesis hash (64 zeros).
    """
    created_at = _timestamp(now or datetime.now(UTC))
    kid = key_id(key.public_key())
    try:
        payload = signed_bytes(sequence, head_hash, entry_count, created_at, kid)
    except CheckpointFormatError as error:
        raise ValueError(str(error)) from None
    signature = base64.b64encode(key.sign(payload)).decode()
    return Checkpoint(sequence, head_hash, entry_count, created_at, kid, signature)


# --- the JSON-lines export -----------------------------------------------------------------------


def checkpoint_lines(checkpoints: Iterable[Checkpoint]) -> str:
    return "".join(checkpoint.to_json() + "\n" for checkpoint in checkpoints)


def read_checkpoints(lines: Iterable[str]) -> list[Checkpoint]:
    """Every checkpoint of an export, oldest first; blank lines are skipped, anything else refused."""
    found: list[Checkpoint] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            found.append(Checkpoint.from_json(line))
        except CheckpointFormatError as error:
            raise CheckpointFormatError(f"line {number}: {error}") from None
    return found


def read_checkpoint_file(path: Path) -> list[Checkpoint]:
    with path.open(encoding="utf-8") as lines:
        return read_checkpoints(lines)


def append_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Append one line and flush it to disk; the file is created with mode 0600."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as export:
        export.write(checkpoint.to_json() + "\n")
        export.flush()
        os.fsync(export.fileno())


# --- verification --------------------------------------------------------------------------------


_MESSAGES: dict[Problem, tuple[str, str]] = {
    "unknown_key": (
        "checkpoint of entry {sequence} is signed with key {key_id}, which is not trusted",
        "エントリ {sequence} のチェックポイントは信頼されていない鍵 {key_id} で署名されています",
    ),
    "bad_signature": (
        "checkpoint of entry {sequence}: the signature does not verify (the checkpoint was altered "
        "or forged)",
        "エントリ {sequence} のチェックポイントの署名を検証できません（改ざんまたは偽造）",
    ),
    "truncated": (
        "the chain has {length} entries but a checkpoint recorded {entry_count} up to entry {sequence} "
        "(entries were removed from the end or the head was rewound)",
        "チェーンのエントリ数が {length} 件ですが、チェックポイントにはエントリ {sequence} まで "
        "{entry_count} 件と記録されています（末尾の削除または先頭の巻き戻し）",
    ),
    "missing": (
        "entry {sequence}, named by a checkpoint, is missing",
        "チェックポイントが示すエントリ {sequence} が存在しません",
    ),
    "rewritten": (
        "entry {sequence} no longer has the hash its checkpoint signed (the chain was rewritten up to it)",
        "エントリ {sequence} のハッシュがチェックポイントの署名時と異なります"
        "（チェーンが書き換えられています）",
    ),
}


@dataclass(frozen=True)
class CheckpointProblem:
    checkpoint: Checkpoint
    problem: Problem
    message_en: str
    message_ja: str


@dataclass(frozen=True)
class CheckpointVerification:
    """The outcome for a list of checkpoints against the chain as it is now."""

    checked: int
    problems: tuple[CheckpointProblem, ...]
    latest: Checkpoint | None  # the newest checkpoint that holds: entries after it are not covered

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(checkpoint: Checkpoint, problem: Problem, length: int) -> CheckpointProblem:
    english, japanese = _MESSAGES[problem]
    values = {
        "sequence": checkpoint.sequence,
        "entry_count": checkpoint.entry_count,
        "key_id": checkpoint.key_id,
        "length": length,
    }
    return CheckpointProblem(checkpoint, problem, english.format(**values), japanese.format(**values))


def _signature_holds(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        public_key.verify(signature, checkpoint.payload())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def verify_checkpoint(
    checkpoint: Checkpoint,
    public_keys: Mapping[str, Ed25519PublicKey],
    hash_at: Callable[[int], str | None],
    length: int,
) -> Problem | None:
    """The first thing wrong with one checkpoint, or None when it holds for the chain as it is."""
    public_key = public_keys.get(checkpoint.key_id)
    if public_key is None:
        return "unknown_key"
    if not _signature_holds(checkpoint, public_key):
        return "bad_signature"
    if length < checkpoint.sequence or length < checkpoint.entry_count:
        return "truncated"
    if checkpoint.sequence == 0:
        return None if checkpoint.head_hash == GENESIS_HASH else "rewritten"
    current = hash_at(checkpoint.sequence)
    if current is None:
        return "missing"
    return None if current == checkpoint.head_hash else "rewritten"


def trusted_keys(public_keys: Iterable[Ed25519PublicKey]) -> dict[str, Ed25519PublicKey]:
    """Key id → key, for :func:`verify_checkpoints`."""
    return {key_id(public_key): public_key for public_key in public_keys}


def verify_checkpoints(
    checkpoints: Iterable[Checkpoint],
    public_keys: Iterable[Ed25519PublicKey],
    *,
    hash_at: Callable[[int], str | None] | Mapping[int, str],
    length: int,
) -> CheckpointVerification:
    """Check every checkpoint against the chain as it is now.

    ``hash_at(sequence)`` gives the current hash of the entry with that sequence number (None if
    there is none); a mapping works too. ``length`` is the number of entries in the chain now.
    """
    lookup: Callable[[int], str | None] = hash_at.get if isinstance(hash_at, Mapping) else hash_at
    keys = trusted_keys(public_keys)
    problems: list[CheckpointProblem] = []
    latest: Checkpoint | None = None
    checked = 0
    for checkpoint in checkpoints:
        checked += 1
        problem = verify_checkpoint(checkpoint, keys, lookup, length)
        if problem is not None:
            problems.append(_problem(checkpoint, problem, length))
        elif latest is None or checkpoint.sequence >= latest.sequence:
            latest = checkpoint
    return CheckpointVerification(checked, tuple(problems), latest)
