"""Manifest of the tenancy capability: organisations (tenants), people, memberships and the
permission table (docs/accounts.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import typer

from cyberdelta.platform.capability import Capability, Mount


def _models() -> Sequence[ModuleType]:
    from cyberdelta.tenancy import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.tenancy.http import members, organisations

    return [Mount(members.router), Mount(organisations.router)]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.tenancy.commands import admin_app, member_app, org_app

    return [("admin", admin_app), ("org", org_app), ("member", member_app)]


def _template_globals() -> Mapping[str, Any]:
    from cyberdelta.tenancy.permissions import Permission, Role

    # Templates name permissions and roles by the enum (``me.has(Permission.INTEL_WRITE)``).
    return {"Permission": Permission, "Role": Role}


CAPABILITY = Capability(
    name="tenancy",
    package="cyberdelta.tenancy",
    models=_models,
    routers=_routers,
    commands=_commands,
    template_globals=_template_globals,
)
