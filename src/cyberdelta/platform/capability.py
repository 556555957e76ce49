"""The capability record: what one capability adds to the platform (docs/architecture.md, "Capabilities").

Each capability package has a ``capability.py`` whose ``CAPABILITY`` lists its tables, routers,
background tasks, periodic tasks, CLI commands, template globals and start-up hooks. The app
(:func:`cyberdelta.app.create_app`), the CLI, the job queue and the model registry are built by
looping over :data:`cyberdelta.capabilities.CAPABILITIES` in dependency order, so adding a
capability touches no central list but that one.

Every field that needs imports is a function called when the part is built, so that loading the
manifests (the CLI does at start-up) imports no web framework, PDF engine or STIX library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter, FastAPI
    from sqlalchemy.orm import Session

    from cyberdelta.platform.events import Handler
    from cyberdelta.platform.settings import Settings

Task = Callable[..., Any]


@dataclass(frozen=True)
class Mount:
    """A router as the app includes it: ``public`` routes declare the public policy for every route
    that declares none of its own; ``responses`` documents the error answers in the OpenAPI schema."""

    router: APIRouter
    public: bool = False
    responses: dict[int | str, dict[str, Any]] | None = None


@dataclass(frozen=True)
class PeriodicTask:
    """Daily work of a ``cyberdelta worker``, run at the hour (UTC) given by ``--reminder-hour``
    with the worker's settings."""

    name: str
    run: Callable[[Settings], Any]


@dataclass(frozen=True)
class Capability:
    """One capability's manifest. ``package`` is the capability's package; its ``templates`` folder,
    when present, joins the template search path. ``upload_paths`` are the path prefixes whose
    multipart bodies may be as large as an upload (``Settings.max_upload_bytes``); every other body
    is held to the small limits of :func:`cyberdelta.platform.web.body_limit.standard_limits`."""

    name: str
    package: str
    upload_paths: tuple[str, ...] = ()
    models: Callable[[], Sequence[ModuleType]] = lambda: ()
    routers: Callable[[], Sequence[Mount]] = lambda: ()
    tasks: Callable[[], Sequence[Task]] = lambda: ()
    periodic: Callable[[], Sequence[PeriodicTask]] = lambda: ()
    commands: Callable[[], Sequence[tuple[str, typer.Typer]]] = lambda: ()
    root_commands: Callable[[], Sequence[Callable[..., Any]]] = lambda: ()
    template_globals: Callable[[], Mapping[str, Any]] = lambda: {}
    template_filters: Callable[[], Mapping[str, Callable[..., Any]]] = lambda: {}
    subscriptions: Callable[[], Mapping[type, Sequence[Handler]]] = lambda: {}
    configure_app: Callable[[FastAPI], None] | None = None
    on_shutdown: Callable[[], None] | None = None
    on_database_ready: Callable[[Session], None] | None = None
    # What this capability adds to extension points that capabilities below it declare, by the
    # point's name (e.g. ``screening.list_sources``: the intel hub's indicators as a screening list).
    # A lower capability cannot import a higher one; it declares the protocol, the higher one
    # contributes an implementation, and the app hands the contributions down (``app.state``).
    contributions: Callable[[], Mapping[str, Sequence[Any]]] = lambda: {}

    def templates(self) -> Path | None:
        import importlib.util

        spec = importlib.util.find_spec(self.package)
        if spec is None or spec.origin is None:
            return None
        folder = Path(spec.origin).parent / "templates"
        return folder if folder.is_dir() else None
