"""Benchmark publication as a background job (docs/benchmark.md, "Publications"): after an acceptance
the job publishes only when a publication is due (:func:`publication.publish_if_due`), on the app's
one huey queue (:mod:`cyberdelta.platform.jobs`), so ``Settings.jobs_mode`` governs it.
"""

from __future__ import annotations

from cyberdelta.assessment.models import Cycle
from cyberdelta.benchmark.disclosure import DEFAULT_RULES, rules_for
from cyberdelta.benchmark.publication import publish_if_due
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.jobs import enqueue, session_factory
from cyberdelta.platform.settings import Settings
from cyberdelta.supervision.events import SubmissionAccepted


def run_recompute(
    database_url: str, cycle_id: int, new_submissions: int = DEFAULT_RULES.new_submissions
) -> None:
    with transaction(session_factory(database_url)) as session:
        cycle = session.get(Cycle, cycle_id)
        if cycle is not None:
            publish_if_due(session, cycle, rules_for(new_submissions))


def enqueue_recompute(settings: Settings, cycle_id: int) -> None:
    """Queue a publication check; call after the accepting transaction has committed."""
    enqueue(
        settings, run_recompute, settings.resolved_database_url, cycle_id, settings.benchmark_new_submissions
    )


def recompute_after_acceptance(settings: Settings, event: SubmissionAccepted) -> None:
    """An accepted submission may make a publication due: queue the check."""
    enqueue_recompute(settings, event.cycle_id)
