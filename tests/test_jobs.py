"""The one background queue (cyberdelta.platform.jobs): every capability's task on every queue, a separate
worker process, and the daily reminder run. The jobs themselves are tested with their capability
(tests/assessment/test_jobs.py also runs a job through `cyberdelta worker --drain`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cyberdelta import capabilities
from cyberdelta.platform import jobs
from cyberdelta.platform.settings import Settings
from cyberdelta.supervision.reminders import send_due_reminders
from tests.test_cli import run_cli


def test_every_task_names_a_function_that_exists() -> None:
    capabilities.register_tasks()
    assert len(jobs.TASKS) == sum(len(capability.tasks()) for capability in capabilities.CAPABILITIES)
    for name, function in jobs.TASKS.items():
        assert callable(function) and jobs.task_name(function) == name, name


def test_a_queue_has_every_task_registered_so_any_worker_can_run_any_job(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, jobs_mode="external")
    huey = capabilities.queue(settings)
    assert jobs.queue_for(settings) is huey
    for name in jobs.TASKS:
        jobs.enqueue(settings, name, "sqlite://", 0)
    assert {huey.dequeue().name for _ in jobs.TASKS} == set(jobs.TASKS)
    assert huey.dequeue() is None


def test_an_unknown_task_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        jobs.enqueue(Settings(data_dir=tmp_path, jobs_mode="external"), "no_such_task")


def test_the_worker_refuses_immediate_mode(settings: Settings) -> None:
    answer = run_cli(settings.model_copy(update={"jobs_mode": "immediate"}), "worker", "--drain")
    assert answer.returncode == 1 and "immediate" in answer.stderr


def test_the_daily_reminder_run_without_smtp_sends_nothing(settings: Settings) -> None:
    assert not settings.smtp_host
    assert send_due_reminders(settings, date(2026, 11, 23)) == 0
