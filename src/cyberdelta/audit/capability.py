"""Manifest of the audit capability: the audit-trail pages, API and commands over the platform's
hash-chained trail (docs/accounts.md, "Audit trail")."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import typer

from cyberdelta.platform.capability import Capability, Mount, PeriodicTask


def _models() -> Sequence[ModuleType]:
    from cyberdelta.platform.audit import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.audit.http import trail

    return [Mount(trail.pages), Mount(trail.api)]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.audit.commands import audit_app

    return [("audit", audit_app)]


def _periodic() -> Sequence[PeriodicTask]:
    from cyberdelta.audit.checkpointing import daily_checkpoint

    return [PeriodicTask("daily_audit_checkpoint", daily_checkpoint)]


CAPABILITY = Capability(
    name="audit",
    package="cyberdelta.audit",
    models=_models,
    routers=_routers,
    periodic=_periodic,
    commands=_commands,
)
