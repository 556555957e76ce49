"""Manifest of the TLPT capability (docs/tlpt.md): threat-led penetration tests run confidentially
from scoping to attestation, under the timeline rules of Commission Delegated Regulation (EU)
2025/1190, TIBER-EU or the authority's own framework."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from cyberdelta.platform.capability import Capability, Mount, PeriodicTask

if TYPE_CHECKING:
    import typer


def _models() -> Sequence[ModuleType]:
    from cyberdelta.tlpt import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.tlpt.http import engagements

    return [Mount(engagements.pages)]


def _periodic() -> Sequence[PeriodicTask]:
    from cyberdelta.tlpt.reminders import send_due_reminders

    return [PeriodicTask("tlpt_reminders", send_due_reminders)]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.tlpt.commands import tlpt_app

    return [("tlpt", tlpt_app)]


CAPABILITY = Capability(
    name="tlpt",
    package="cyberdelta.tlpt",
    # Deliverables are uploaded here (multipart bodies up to the upload limit).
    upload_paths=("/tlpt/",),
    models=_models,
    routers=_routers,
    commands=_commands,
    periodic=_periodic,
)
