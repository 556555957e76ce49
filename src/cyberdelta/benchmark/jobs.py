"""Benchmark recomputation as a background job (docs/benchmark.md: "recomputed when a submission is
accepted (background job)"), on the app's one huey queue (:mod:`cyberdelta.platform.jobs`), so
``Settings.jobs_mode`` governs it.
"""

from __future__ import annotations

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark.compute import recompute
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.jobs import enqueue, session_factory
from cyberdelta.platform.settings import Settings
from cyberdelta.supervision.events import SubmissionAccepted


def run_recompute(database_url: str, cycle_id: int) -> None:
    with transaction(session_factory(database_url)) as session:
        cycle = session.get(Cycle, cycle_id)
        if cycle is not None:
            recompute(session, cycle)


def enqueue_recompute(settings: Settings, cycle_id: int) -> None:
    """Queue a recomputation; call after the accepting transaction has committed."""
    enqueue(settings, run_recompute, settings.resolved_database_url, cycle_id)


def recompute_after_acceptance(settings: Settings, event: SubmissionAccepted) -> None:
    """An accepted submission changes its cycle's figures: queue their recomputation."""
    enqueue_recompute(settings, event.cycle_id)
