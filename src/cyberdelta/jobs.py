"""Background work on one huey queue (DESIGN §2 "Background work": nothing only in one process's memory).

The queue is a :class:`huey.SqliteHuey` in ``data_dir/jobs.sqlite3``; each job's progress lives in
the database (the report job, feedback run and status rows), so any app process answers a poll.

Every task of every capability is registered on the queue when it is created (:data:`TASKS`), so
whichever worker takes a job can run it: the worker thread inside an app process
(``jobs_mode="thread"``), or a separate ``cyberdelta worker`` process (``jobs_mode="external"``, for
a deployment that keeps long PDF batches out of its web processes). ``"immediate"`` runs each job
inside the request (huey's documented immediate mode, used by tests that need no worker).

The separate worker also runs the periodic work: the deadline reminders of issue #6 once a day.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any, Final

from huey import MemoryHuey, SqliteHuey, crontab
from huey.api import Huey
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.db.engine import make_engine, make_session_factory, transaction
from cyberdelta.settings import Settings

POLL_SECONDS = 0.2
# task name → "module:function"; the functions take only JSON-able arguments (ids, URLs, paths).
TASKS: Final[dict[str, str]] = {
    "render_report": "cyberdelta.assessment.jobs:run_report_job",
    "recompute_benchmarks": "cyberdelta.benchmark.jobs:run_recompute",
    "feedback_reports": "cyberdelta.benchmark.feedback_jobs:run_feedback",
    "store_pending_intel_envelopes": "cyberdelta.intel.pending:run_pending",
}
log = logging.getLogger(__name__)

_queues: dict[tuple[str, str], Huey] = {}
_tasks: dict[tuple[str, str], dict[str, Any]] = {}  # queue key → task name → huey's task wrapper
_lock = threading.Lock()


@cache
def session_factory(database_url: str) -> sessionmaker[Session]:
    """One engine per database URL for the jobs of this process."""
    return make_session_factory(make_engine(database_url))


def _function(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return function


def _key(settings: Settings) -> tuple[str, str]:
    return (str(settings.data_dir.resolve()), settings.jobs_mode)


def queue_for(settings: Settings, *, start_thread: bool = True) -> Huey:
    """The queue of these settings (one per data directory and mode), with every task registered.

    In ``thread`` mode the first call also starts this process's worker thread."""
    key = _key(settings)
    with _lock:
        if key not in _queues:
            if settings.jobs_mode == "immediate":
                huey: Huey = MemoryHuey("cyberdelta", immediate=True)
            else:
                settings.data_dir.mkdir(parents=True, exist_ok=True)
                huey = SqliteHuey("cyberdelta", filename=str(settings.data_dir / "jobs.sqlite3"))
            _tasks[key] = {name: huey.task(name=name)(_function(target)) for name, target in TASKS.items()}
            _queues[key] = huey
            if settings.jobs_mode == "thread" and start_thread:
                threading.Thread(target=_work, args=(huey,), name="cyberdelta-jobs", daemon=True).start()
        return _queues[key]


def enqueue(settings: Settings, name: str, *args: Any) -> None:
    """Queue the task ``name`` (one of :data:`TASKS`); call after the transaction that created the
    job's row has committed, since a worker may take it at once."""
    queue_for(settings)
    _tasks[_key(settings)][name](*args)


def _work(huey: Huey) -> None:
    """The in-process consumer: take the next task from huey's storage and execute it."""
    while True:
        if not drain(huey):
            time.sleep(POLL_SECONDS)


def drain(huey: Huey) -> int:
    """Execute queued tasks until the queue is empty; how many ran (failures are on their rows)."""
    count = 0
    while (task := huey.dequeue()) is not None:
        count += 1
        try:
            huey.execute(task)
        except Exception:
            log.exception("background task %s failed", task.name)
            continue
    return count


def send_due_reminders(settings: Settings, today: date) -> int:
    """The daily reminder run of the separate worker; how many participants were reminded."""
    from cyberdelta.supervision.reminders import ReminderError, send_reminders

    if not settings.smtp_host:
        log.warning("no SMTP server is configured (CYBERDELTA_SMTP_HOST): reminders are not sent")
        return 0
    try:
        with transaction(session_factory(settings.resolved_database_url)) as session:
            outcome = send_reminders(session, settings, today, via="worker")
    except ReminderError as error:
        log.warning("reminders not sent: %s", error)
        return 0
    for due, message in outcome.failed:
        log.warning("reminder to organisation %s failed: %s", due.organisation.id, message)
    return len(outcome.sent)


def run_worker(settings: Settings, *, workers: int, reminder_hour_utc: int) -> None:
    """``cyberdelta worker``: huey's consumer with ``workers`` threads and the daily reminder run
    at ``reminder_hour_utc`` o'clock UTC (00:00 UTC is 09:00 in Japan)."""
    from cyberdelta.db.base import utcnow

    huey = queue_for(settings, start_thread=False)

    def daily_reminders() -> None:
        send_due_reminders(settings, utcnow().date())

    huey.periodic_task(crontab(minute="0", hour=str(reminder_hour_utc)), name="daily_reminders")(
        daily_reminders
    )
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
