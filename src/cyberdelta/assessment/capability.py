"""Manifest of the self-assessment capability (自助 self-help, docs/assessment.md)."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import typer

from cyberdelta.platform.capability import Capability, Mount, Task


def _models() -> Sequence[ModuleType]:
    from cyberdelta.assessment import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.assessment.http import csf, evidence, exports, plan, review, workspace

    return [Mount(m.router) for m in (exports, evidence, plan, csf, workspace, review)]


def _tasks() -> Sequence[Task]:
    from cyberdelta.assessment.jobs import run_report_job

    return [run_report_job]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.assessment.commands import assessment_app

    return [("assessment", assessment_app)]


CAPABILITY = Capability(
    name="assessment",
    package="cyberdelta.assessment",
    upload_paths=("/assessment/",),
    models=_models,
    routers=_routers,
    tasks=_tasks,
    commands=_commands,
)
