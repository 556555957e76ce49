"""Manifest of the benchmark capability: k-anonymous industry figures, "where you stand" and
feedback reports (docs/benchmark.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType

import typer

from cyberdelta.platform.capability import Capability, Mount, Task
from cyberdelta.platform.events import Handler


def _models() -> Sequence[ModuleType]:
    from cyberdelta.benchmark import feedback_models, models

    return [models, feedback_models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.benchmark.http import benchmarks, feedback

    return [Mount(benchmarks.pages), Mount(benchmarks.api), Mount(feedback.router)]


def _tasks() -> Sequence[Task]:
    from cyberdelta.benchmark.feedback_jobs import run_feedback
    from cyberdelta.benchmark.jobs import run_recompute

    return [run_recompute, run_feedback]


def _subscriptions() -> Mapping[type, Sequence[Handler]]:
    from cyberdelta.benchmark.jobs import recompute_after_acceptance
    from cyberdelta.supervision.events import SubmissionAccepted

    return {SubmissionAccepted: [recompute_after_acceptance]}


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.benchmark.commands import benchmark_app

    return [("benchmark", benchmark_app)]


CAPABILITY = Capability(
    name="benchmark",
    package="cyberdelta.benchmark",
    models=_models,
    routers=_routers,
    tasks=_tasks,
    subscriptions=_subscriptions,
    commands=_commands,
)
