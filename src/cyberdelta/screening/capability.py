"""Manifest of the screening capability: chain-aware address normalisers, imported sanctions
lists and screening against them (docs/screening.md)."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import typer

from cyberdelta.platform.capability import Capability, Mount


def _models() -> Sequence[ModuleType]:
    from cyberdelta.screening import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.screening.http import screening

    return [Mount(screening.pages), Mount(screening.api)]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.screening.commands import screen_app

    return [("screen", screen_app)]


CAPABILITY = Capability(
    name="screening",
    package="cyberdelta.screening",
    models=_models,
    routers=_routers,
    commands=_commands,
)
