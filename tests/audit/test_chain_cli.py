"""``cyberdelta audit verify`` and ``audit export`` against a real database file or PostgreSQL:
editing, deleting or reordering any row directly in the database makes verify fail and name
the entry; a clean chain passes."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.audit import service
from cyberdelta.platform.db.engine import transaction


def _cli(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CYBERDELTA_DATABASE_URL": database_url, "CYBERDELTA_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "cyberdelta", "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def _chain(session_factory: sessionmaker[Session], count: int = 5) -> None:
    for index in range(count):
        with transaction(session_factory) as session:
            service.record(
                session, action=f"step.{index}", actor_user_id=index, organisation_id=7, details={"i": index}
            )


def _edit(connection: Connection) -> None:
    connection.execute(text("UPDATE audit_entry SET organisation_id = 8 WHERE sequence = 3"))


def _delete(connection: Connection) -> None:
    connection.execute(text("DELETE FROM audit_entry WHERE sequence = 3"))


def _reorder(connection: Connection) -> None:
    # Swap the positions of entries 2 and 3 (their content moves, their hashes go along).
    for statement in (
        "UPDATE audit_entry SET sequence = -2 WHERE sequence = 2",
        "UPDATE audit_entry SET sequence = 2 WHERE sequence = 3",
        "UPDATE audit_entry SET sequence = 3 WHERE sequence = -2",
    ):
        connection.execute(text(statement))


def _truncate(connection: Connection) -> None:
    connection.execute(text("DELETE FROM audit_entry WHERE sequence = 5"))


def test_a_clean_chain_passes_and_exports_as_json_lines(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _chain(session_factory)
    verified = _cli(database_url, tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "intact: 5 entries" in verified.stdout
    exported = _cli(database_url, tmp_path, "audit", "export", "--out", str(tmp_path / "audit.jsonl"))
    assert exported.returncode == 0, exported.stderr
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [line["sequence"] for line in lines] == [1, 2, 3, 4, 5]
    assert all(b["previous_hash"] == a["entry_hash"] for a, b in itertools.pairwise(lines))


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (_edit, "entry 3 was modified"),
        (_delete, "entry 3 is missing"),
        (_reorder, "entry 2"),
        (_truncate, "after 4"),
    ],
    ids=["edited", "deleted", "reordered", "truncated"],
)
def test_tampering_is_found_and_the_entry_named(
    database_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    tamper: Callable[[Connection], None],
    named: str,
) -> None:
    _chain(session_factory)
    with engine.begin() as connection:
        tamper(connection)
    result = _cli(database_url, tmp_path, "audit", "verify")
    assert result.returncode == 1
    assert "broken" in result.stdout and named in result.stdout
