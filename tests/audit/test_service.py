"""The audit chain: each entry carries the SHA-256 of the previous one; tampering is found and named."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.audit import service
from cyberdelta.platform.db.engine import transaction


def _append(session_factory: sessionmaker[Session], count: int) -> None:
    for index in range(count):
        with transaction(session_factory) as session:
            service.record(
                session,
                action="test.action",
                actor_user_id=index,
                organisation_id=1,
                object_type="thing",
                object_id=str(index),
                request_id=f"req-{index}",
                details={"n": index, "名前": "値"},
            )


def test_a_clean_chain_verifies(session_factory: sessionmaker[Session]) -> None:
    _append(session_factory, 4)
    with transaction(session_factory) as session:
        result = service.verify(session)
        rows = service.entries(session)
    assert result.ok and result.entries == 4
    assert [row.sequence for row in rows] == [4, 3, 2, 1]
    assert rows[0].previous_hash == rows[1].entry_hash


def test_an_entry_rolled_back_with_its_change_leaves_no_trace(session_factory: sessionmaker[Session]) -> None:
    _append(session_factory, 1)
    try:
        with transaction(session_factory) as session:
            service.record(session, action="x", actor_user_id=None, organisation_id=None)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    _append(session_factory, 1)
    with transaction(session_factory) as session:
        assert service.verify(session).ok


def test_an_edited_entry_is_named(session_factory: sessionmaker[Session], engine: Engine) -> None:
    _append(session_factory, 3)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_entry SET action = 'forged' WHERE sequence = 2"))
    with transaction(session_factory) as session:
        problem = service.verify(session).problem
    assert problem is not None and problem.sequence == 2 and "modified" in problem.reason


def test_writers_appending_at_once_take_turns_even_on_an_empty_chain(
    session_factory: sessionmaker[Session],
) -> None:
    # The first writer holds its transaction open after appending; the others must wait for it (the
    # head row is locked), including while the head row itself is being made.
    first_appended = threading.Event()
    release_first = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction(session_factory) as session:
                service.record(session, action="first", actor_user_id=None, organisation_id=None)
                first_appended.set()
                release_first.wait(10)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
            first_appended.set()

    def later(number: int) -> None:
        try:
            with transaction(session_factory) as session:
                service.record(session, action=f"later-{number}", actor_user_id=None, organisation_id=None)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    first_appended.wait(10)
    threads += [threading.Thread(target=later, args=(number,)) for number in range(3)]
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.3)
    release_first.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with transaction(session_factory) as session:
        result = service.verify(session)
        rows = service.entries(session)
    assert result.ok and result.entries == 4
    assert [row.sequence for row in rows] == [4, 3, 2, 1]
    assert rows[-1].action == "first"
