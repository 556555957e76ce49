"""Work that must wait until a transaction has committed (docs/architecture.md, "Decisions",
"After commit").

A route or service that writes a row and then queues a job for it, publishes an event about it or
e-mails about it registers that work with :func:`after_commit` on the session it wrote with. The
work runs once the session's transaction has committed, so a worker that takes the job at once
always finds the row; it is dropped when the transaction rolls back, so nothing is queued for a
write that never happened. No second transaction is needed (on SQLite one would wait for the
write lock the first still holds, up to the busy timeout, and fail with "database is locked").

Rules, with the SQLAlchemy session events they rest on ("ORM Events", "Session Events"):

- A callback belongs to the innermost transaction in progress when it is registered: the root
  transaction, or the savepoint of ``Session.begin_nested()``. Releasing a savepoint hands its
  callbacks to the enclosing transaction (``after_commit`` also fires for a released savepoint);
  they run only when the root transaction commits. A transaction that ends without committing
  (rolled back, or closed with the session) drops its callbacks (``after_transaction_end``), so a
  rolled-back savepoint drops only those registered inside it.
- Callbacks run in registration order, after the root transaction has ended: the connection is
  back in the pool and the session may not be used inside a callback (take ids before
  registering; a callback opens its own session if it needs the database).
- A failing callback does not stop the others: each failure is logged with its traceback, and
  once every callback has run, :class:`AfterCommitError` is raised from the first failure out of
  ``Session.commit()``. The transaction has committed by then; the caller learns that the work
  after it failed (a request answers 500 as when a job could not be queued before).

Sessions of :func:`cyberdelta.platform.db.engine.make_session_factory` honour it, hence
``transaction()`` and the request's session; registering on any other session is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

log = logging.getLogger(__name__)

Callback = Callable[[], object]
_PENDING = "cyberdelta.after_commit.pending"  # session.info: transaction → its callbacks
_COMMITTED = "cyberdelta.after_commit.committed"  # session.info: callbacks of the committed root
_INSTALLED = "cyberdelta.after_commit.installed"  # session.info: the session's factory runs them


class AfterCommitError(RuntimeError):
    """Work registered with :func:`after_commit` failed after its transaction had committed."""


def after_commit(session: Session, fn: Callback) -> None:
    """Run ``fn()`` once the session's current transaction has committed; never if it rolls back.

    Inside ``session.begin_nested()`` the callback also waits for the enclosing transactions, and
    is dropped with the savepoint when that is rolled back."""
    if not session.info.get(_INSTALLED):
        raise RuntimeError("after_commit needs a session of make_session_factory()")
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        raise RuntimeError("after_commit needs a transaction in progress")
    _pending(session).setdefault(transaction, []).append(fn)


def install(factory: sessionmaker[Session]) -> None:
    """Make the sessions of ``factory`` run the callbacks registered with :func:`after_commit`."""
    event.listen(factory, "after_commit", _committed)
    event.listen(factory, "after_transaction_end", _ended)
    factory.configure(info={**factory.kw.get("info", {}), _INSTALLED: True})


def _pending(session: Session) -> dict[SessionTransaction, list[Callback]]:
    pending: dict[SessionTransaction, list[Callback]] = session.info.setdefault(_PENDING, {})
    return pending


def _unit_of(transaction: SessionTransaction | None) -> SessionTransaction | None:
    """The transaction a callback of ``transaction``'s parent belongs to: a savepoint or the root."""
    while transaction is not None and not (transaction.nested or transaction.parent is None):
        transaction = transaction.parent
    return transaction


def _committed(session: Session) -> None:
    # While ``after_commit`` runs, the committing transaction is still the session's current one.
    transaction = session.get_nested_transaction() or session.get_transaction()
    pending = _pending(session)
    if transaction is None or transaction not in pending:
        return
    callbacks = pending.pop(transaction)
    parent = _unit_of(transaction.parent) if transaction.nested else None
    if parent is not None:
        pending.setdefault(parent, []).extend(callbacks)
    else:
        session.info.setdefault(_COMMITTED, []).extend(callbacks)


def _ended(session: Session, transaction: SessionTransaction) -> None:
    _pending(session).pop(transaction, None)  # not committed: its work is dropped
    if transaction.parent is not None or _COMMITTED not in session.info:
        return
    callbacks: list[Callback] = session.info.pop(_COMMITTED)
    _run(callbacks)


def _run(callbacks: list[Callback]) -> None:
    failures: list[BaseException] = []
    for callback in callbacks:
        try:
            callback()
        except Exception as error:
            log.exception("work after commit failed: %s", _name(callback))
            failures.append(error)
    if failures:
        raise AfterCommitError(
            f"{len(failures)} of {len(callbacks)} callbacks after commit failed; the transaction committed"
        ) from failures[0]


def _name(callback: Any) -> str:
    return str(getattr(callback, "__qualname__", callback))
