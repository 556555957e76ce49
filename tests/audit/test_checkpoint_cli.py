"""Signed checkpoints catch what the unkeyed chain cannot (docs/accounts.md, "Audit trail"): someone
with write access to the database edits an entry and re-hashes everything after it, or drops the
tail and rewinds the head; `audit verify` alone still passes, `audit verify --checkpoints` fails.
Both databases, through the real command."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.audit import service
from cyberdelta.platform.audit.checkpoint_keys import generate_key
from cyberdelta.platform.audit.models import AuditEntry
from tests.audit.test_chain_cli import _chain, _cli


def _key_file(tmp_path: Path) -> tuple[Path, str]:
    key = generate_key()
    path = tmp_path / "checkpoint.key"
    path.write_text(key.private_pem)
    path.chmod(0o600)
    return path, key.public_pem


def _checkpoint_and_verify(database_url: str, tmp_path: Path, *args: str) -> tuple[int, str]:
    answer = _cli(database_url, tmp_path, "audit", *args)
    return answer.returncode, answer.stdout + answer.stderr


def _rehash_from(connection: Connection, sequence: int) -> None:
    """What an attacker with database access does: edit one entry, then re-hash it and every later
    entry and the head, so that the chain is consistent again."""
    connection.execute(
        text("UPDATE audit_entry SET organisation_id = 99 WHERE sequence = :s"), {"s": sequence}
    )
    with Session(bind=connection) as session:
        previous = None
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)):
            if previous is not None:
                entry.previous_hash = previous
            if entry.sequence >= sequence:
                entry.entry_hash = service.entry_hash(entry)
            previous = entry.entry_hash
        session.flush()
        connection.execute(text("UPDATE audit_head SET entry_hash = :h"), {"h": previous})


def _truncate_and_rewind(connection: Connection) -> None:
    connection.execute(text("DELETE FROM audit_entry WHERE sequence > 3"))
    head = connection.execute(text("SELECT entry_hash FROM audit_entry WHERE sequence = 3")).scalar_one()
    connection.execute(text("UPDATE audit_head SET sequence = 3, entry_hash = :h"), {"h": head})


def test_a_rehash_after_a_checkpoint_passes_the_chain_but_fails_the_checkpoint(
    database_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _chain(session_factory)
    key, public = _key_file(tmp_path)
    monkeypatch.setenv("CYBERDELTA_AUDIT_CHECKPOINT_KEY_FILE", str(key))
    checkpoints = str(tmp_path / "checkpoints.jsonl")
    code, output = _checkpoint_and_verify(database_url, tmp_path, "checkpoint", "--out", checkpoints)
    assert code == 0, output
    code, output = _checkpoint_and_verify(database_url, tmp_path, "verify", "--checkpoints", checkpoints)
    assert code == 0 and "intact" in output, output
    with engine.begin() as connection:
        _rehash_from(connection, 2)
    # The unkeyed chain cannot tell: every hash matches again.
    assert _cli(database_url, tmp_path, "audit", "verify").returncode == 0
    # A verifier needs only the public key.
    monkeypatch.delenv("CYBERDELTA_AUDIT_CHECKPOINT_KEY_FILE")
    code, output = _checkpoint_and_verify(
        database_url, tmp_path, "verify", "--checkpoints", checkpoints, "--public-key", public
    )
    assert code == 1, output


def test_a_truncated_chain_with_a_rewound_head_fails_the_checkpoint(
    database_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _chain(session_factory)
    key, _public = _key_file(tmp_path)
    monkeypatch.setenv("CYBERDELTA_AUDIT_CHECKPOINT_KEY_FILE", str(key))
    checkpoints = str(tmp_path / "checkpoints.jsonl")
    assert _checkpoint_and_verify(database_url, tmp_path, "checkpoint", "--out", checkpoints)[0] == 0
    with engine.begin() as connection:
        _truncate_and_rewind(connection)
    assert _cli(database_url, tmp_path, "audit", "verify").returncode == 0
    code, output = _checkpoint_and_verify(database_url, tmp_path, "verify", "--checkpoints", checkpoints)
    assert code == 1, output


def test_a_checkpoint_without_a_configured_key_is_a_clear_error(database_url: str, tmp_path: Path) -> None:
    answer = _cli(database_url, tmp_path, "audit", "checkpoint")
    assert answer.returncode == 1
    assert "CHECKPOINT_KEY" in answer.stderr and "Traceback" not in answer.stderr
