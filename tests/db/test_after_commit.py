"""``after_commit``: work registered on a session runs once its transaction has committed, in order,
never after a rollback, and never because a savepoint was released (both databases)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.after_commit import AfterCommitError, after_commit
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation
from tests.accounts_factories import make_organisation


def _count(factory: sessionmaker[Session], slug: str) -> int:
    with transaction(factory) as session:
        found: int = session.scalar(select(func.count()).where(Organisation.slug == slug)) or 0
        return found


def test_work_runs_after_the_commit_and_sees_the_committed_row(
    session_factory: sessionmaker[Session],
) -> None:
    seen: list[int] = []
    with transaction(session_factory) as session:
        make_organisation(session, "exchange", "after-commit")
        after_commit(session, lambda: seen.append(_count(session_factory, "after-commit")))
        session.flush()
        assert seen == []  # not while the transaction is open
    assert seen == [1]  # a second session, opened by the work, finds the row


def test_work_is_dropped_when_the_transaction_rolls_back(session_factory: sessionmaker[Session]) -> None:
    ran: list[str] = []
    with pytest.raises(LookupError), transaction(session_factory) as session:
        make_organisation(session, "exchange", "rolled-back")
        after_commit(session, lambda: ran.append("rolled back"))
        raise LookupError
    with transaction(session_factory) as session:
        after_commit(session, lambda: ran.append("next"))  # the next transaction starts clean
    assert ran == ["next"]
    assert _count(session_factory, "rolled-back") == 0


def test_a_released_savepoint_waits_for_the_root_and_a_rolled_back_one_drops_only_its_work(
    session_factory: sessionmaker[Session],
) -> None:
    ran: list[str] = []
    with transaction(session_factory) as session:
        make_organisation(session, "exchange", "outer")
        after_commit(session, lambda: ran.append("before"))
        with session.begin_nested():
            after_commit(session, lambda: ran.append("released"))
            with session.begin_nested():
                after_commit(session, lambda: ran.append("inner released"))
        assert ran == []  # releasing a savepoint commits nothing
        with pytest.raises(KeyError), session.begin_nested():
            after_commit(session, lambda: ran.append("rolled back"))
            raise KeyError
        after_commit(session, lambda: ran.append("after"))
    assert ran == ["before", "released", "inner released", "after"]


def test_work_runs_in_registration_order(session_factory: sessionmaker[Session]) -> None:
    ran: list[int] = []
    with transaction(session_factory) as session:
        for number in range(5):
            after_commit(session, lambda number=number: ran.append(number))  # type: ignore[misc]
    assert ran == [0, 1, 2, 3, 4]


def test_a_failing_callback_is_logged_the_others_run_and_the_caller_learns_of_it(
    session_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def failing() -> None:
        raise ValueError("queue unavailable")

    with (
        caplog.at_level(logging.ERROR, logger="cyberdelta.platform.db.after_commit"),
        pytest.raises(AfterCommitError) as raised,
        transaction(session_factory) as session,
    ):
        make_organisation(session, "exchange", "committed")
        after_commit(session, lambda: ran.append("first"))
        after_commit(session, failing)
        after_commit(session, lambda: ran.append("last"))
    assert ran == ["first", "last"]
    assert isinstance(raised.value.__cause__, ValueError)
    assert "queue unavailable" in caplog.text and "failing" in caplog.text
    assert _count(session_factory, "committed") == 1  # the transaction had committed


def test_a_session_that_does_not_run_the_work_is_refused(session_factory: sessionmaker[Session]) -> None:
    with Session(session_factory.kw["bind"]) as plain, plain.begin(), pytest.raises(RuntimeError):
        after_commit(plain, lambda: None)
