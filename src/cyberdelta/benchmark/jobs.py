"""Benchmark recomputation as a background job (issue #6: "recomputed when a submission is
accepted (background job)"), on the same huey queue as the assessment reports
(:func:`cyberdelta.assessment.jobs.queue_for`), so ``Settings.jobs_mode`` governs both.
"""

from __future__ import annotations

import threading
from typing import Any

from cyberdelta.assessment.jobs import _factory, queue_for
from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark.compute import recompute
from cyberdelta.db.engine import transaction
from cyberdelta.settings import Settings

TASK = "recompute_benchmarks"
_tasks: dict[int, Any] = {}  # id(huey queue) → the registered task wrapper
_lock = threading.Lock()


def run_recompute(database_url: str, cycle_id: int) -> None:
    with transaction(_factory(database_url)) as session:
        cycle = session.get(Cycle, cycle_id)
        if cycle is not None:
            recompute(session, cycle)


def _task(settings: Settings) -> Any:
    """The task registered once on the (long-lived, cached) queue of these settings."""
    huey = queue_for(settings)
    with _lock:
        if id(huey) not in _tasks:
            _tasks[id(huey)] = huey.task(name=TASK)(run_recompute)
        return _tasks[id(huey)]


def enqueue_recompute(settings: Settings, cycle_id: int) -> None:
    """Queue a recomputation; call after the accepting transaction has committed."""
    _task(settings)(settings.resolved_database_url, cycle_id)
