"""Manifest of the supervision capability: assessment cycles, the collection dashboard, reviews
and deadline reminders (docs/benchmark.md)."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import typer

from cyberdelta.platform.capability import Capability, Mount, PeriodicTask


def _models() -> Sequence[ModuleType]:
    from cyberdelta.supervision import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.supervision.http import cycles

    return [Mount(cycles.router)]


def _periodic() -> Sequence[PeriodicTask]:
    from cyberdelta.supervision.reminders import send_due_reminders

    return [PeriodicTask("daily_reminders", send_due_reminders)]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.supervision.commands import cycle_app

    return [("cycle", cycle_app)]


CAPABILITY = Capability(
    name="supervision",
    package="cyberdelta.supervision",
    models=_models,
    routers=_routers,
    periodic=_periodic,
    commands=_commands,
)
