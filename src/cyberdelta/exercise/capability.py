"""Manifest of the exercise capability (docs/exercise.md): the scenario library of the industry-wide
exercise (公助, Delta Wall), its master event lists in .xlsx and the built-in scenario, loaded when
the database is prepared."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from cyberdelta.platform.capability import Capability, Mount

if TYPE_CHECKING:
    import typer
    from sqlalchemy.orm import Session


def _models() -> Sequence[ModuleType]:
    from cyberdelta.exercise import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.exercise.http import scenarios

    return [Mount(scenarios.pages)]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.exercise.commands import exercise_app

    return [("exercise", exercise_app)]


def _ready(session: Session) -> None:
    from cyberdelta.exercise.library import ensure_builtin_scenario

    ensure_builtin_scenario(session)


CAPABILITY = Capability(
    name="exercise",
    package="cyberdelta.exercise",
    upload_paths=("/exercise/scenarios/import",),
    models=_models,
    routers=_routers,
    commands=_commands,
    on_database_ready=_ready,
)
