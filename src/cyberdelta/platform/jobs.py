"""Background work on one huey queue (docs/architecture.md, "Background jobs": nothing only in one
process's memory).

The queue is a :class:`huey.SqliteHuey` in ``data_dir/jobs.sqlite3`` on one machine, or a
:class:`huey.RedisHuey` at ``CYBERDELTA_JOBS_URL`` when app processes and workers run on several
(docs/deployment.md); each job's progress lives in the database (the report job, feedback run and
status rows), so any app process answers a poll.

Tasks are the functions the capabilities' manifests list (:attr:`Capability.tasks`), registered
under their qualified names (:func:`task_name`) by :func:`register` when the app or the CLI is built,
so whichever worker takes a job can run it: the worker thread inside an app process
(``jobs_mode="thread"``), or a separate ``cyberdelta worker`` process (``jobs_mode="external"``, for
a deployment that keeps long PDF batches out of its web processes). ``"immediate"`` runs each job
inside the request (huey's documented immediate mode, used by tests that need no worker).

The separate worker also runs the capabilities' daily periodic work (:attr:`Capability.periodic`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, Final

from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.capability import PeriodicTask
from cyberdelta.platform.db.engine import make_engine, make_session_factory
from cyberdelta.platform.settings import Settings

POLL_SECONDS = 0.2
Task = Callable[..., Any]
# task name → function; the functions take only JSON-able arguments (ids, URLs, paths).
TASKS: Final[dict[str, Task]] = {}
log = logging.getLogger(__name__)

_queues: dict[tuple[str, str], Huey] = {}
_tasks: dict[tuple[str, str], dict[str, Any]] = {}  # queue key → task name → huey's task wrapper
_lock = threading.Lock()


@cache
def session_factory(database_url: str) -> sessionmaker[Session]:
    """One engine per database URL for the jobs of this process."""
    return make_session_factory(make_engine(database_url))


def task_name(function: Task) -> str:
    """The name a task is queued under: its module and qualified name."""
    return f"{function.__module__}.{function.__qualname__}"


def register(functions: Iterable[Task]) -> None:
    """Make ``functions`` runnable by every queue of this process (the capabilities' tasks)."""
    with _lock:
        for function in functions:
            TASKS[task_name(function)] = function
            for key, huey in _queues.items():
                _register_on(huey, key, task_name(function), function)


def _register_on(huey: Huey, key: tuple[str, str], name: str, function: Task) -> None:
    if name not in _tasks[key]:
        _tasks[key][name] = huey.task(name=name)(function)


def _key(settings: Settings) -> tuple[str, str]:
    return (settings.jobs_url or str(settings.data_dir.resolve()), settings.jobs_mode)


def queue_for(settings: Settings, *, start_thread: bool = True) -> Huey:
    """The queue of these settings (one per queue location and mode), with every task registered:
    huey's Redis storage for ``Settings.jobs_url``, else its SQLite storage in the data directory.

    In ``thread`` mode the first call also starts this process's worker thread."""
    key = _key(settings)
    with _lock:
        if key not in _queues:
            if settings.jobs_mode == "immediate":
                huey: Huey = MemoryHuey("cyberdelta", immediate=True)
            elif settings.jobs_url:
                huey = RedisHuey("cyberdelta", url=settings.jobs_url)
            else:
                settings.data_dir.mkdir(parents=True, exist_ok=True)
                huey = SqliteHuey("cyberdelta", filename=str(settings.data_dir / "jobs.sqlite3"))
            _tasks[key] = {}
            for name, function in TASKS.items():
                _register_on(huey, key, name, function)
            _queues[key] = huey
            if settings.jobs_mode == "thread" and start_thread:
                threading.Thread(target=_work, args=(huey,), name="cyberdelta-jobs", daemon=True).start()
        return _queues[key]


def enqueue(settings: Settings, task: Task | str, *args: Any) -> None:
    """Queue ``task`` (a task function, or the name of a registered one); call after the transaction
    that created the job's row has committed, since a worker may take it at once."""
    if not isinstance(task, str):
        register([task])
    queue_for(settings)
    _tasks[_key(settings)][task if isinstance(task, str) else task_name(task)](*args)


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


def run_worker(
    settings: Settings, *, workers: int, daily_hour_utc: int, daily: Sequence[PeriodicTask]
) -> None:
    """``cyberdelta worker``: huey's consumer with ``workers`` threads and the ``daily`` periodic
    work at ``daily_hour_utc`` o'clock UTC (00:00 UTC is 09:00 in Japan)."""
    huey = queue_for(settings, start_thread=False)
    for periodic in daily:

        def run(periodic: PeriodicTask = periodic) -> None:
            periodic.run(settings)

        huey.periodic_task(crontab(minute="0", hour=str(daily_hour_utc)), name=periodic.name)(run)
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
