"""Manifest of the catalog capability: OSCAL control catalogs (docs/catalog.md). The catalog is
public information, so its routes are public unless a route says otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

import typer

from cyberdelta.platform.capability import Capability, Mount

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _models() -> Sequence[ModuleType]:
    from cyberdelta.catalog import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.catalog.http import catalogs, uploads
    from cyberdelta.platform.web.schemas import error_responses

    # A presented but invalid API token is refused (401, RFC 6750 §3.1) even on public routes.
    # The upload pages first: /catalogs/profiles/new is not the tree of a catalog "profiles".
    return [
        Mount(uploads.pages),
        Mount(uploads.api, public=True, responses=error_responses(401, 404)),
        Mount(catalogs.pages, public=True),
        Mount(catalogs.api, public=True, responses=error_responses(401, 404)),
    ]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.catalog.commands import catalog_app

    return [("catalog", catalog_app)]


def _ready(session: Session) -> None:
    from cyberdelta.catalog.service import ensure_builtin_catalog

    ensure_builtin_catalog(session)


CAPABILITY = Capability(
    name="catalog",
    package="cyberdelta.catalog",
    upload_paths=("/catalogs/",),
    models=_models,
    routers=_routers,
    commands=_commands,
    on_database_ready=_ready,
)
