"""Manifest of the home capability: the home page, the language switch and the demo command, which
bring the other capabilities together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cyberdelta.platform.capability import Capability, Mount


def _routers() -> Sequence[Mount]:
    from cyberdelta.home.http import pages

    return [Mount(pages.router, public=True)]


def _root_commands() -> Sequence[Callable[..., Any]]:
    from cyberdelta.home.commands import demo

    return [demo]


CAPABILITY = Capability(
    name="home", package="cyberdelta.home", routers=_routers, root_commands=_root_commands
)
