"""Manifest of the threat-intelligence hub (共助 mutual help, docs/intel.md): TAXII 2.1 server,
STIX 2.1 store, TLP 2.0 sharing, pages and imports."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import typer

from cyberdelta.platform.capability import Capability, Mount, Task

if TYPE_CHECKING:
    from fastapi import FastAPI


def _models() -> Sequence[ModuleType]:
    from cyberdelta.intel import models

    return [models]


def _routers() -> Sequence[Mount]:
    from cyberdelta.intel.http import feed, sightings, taxii

    return [Mount(taxii.router), Mount(feed.router), Mount(sightings.api)]


def _tasks() -> Sequence[Task]:
    from cyberdelta.intel.pending import run_pending

    return [run_pending]


def _commands() -> Sequence[tuple[str, typer.Typer]]:
    from cyberdelta.intel.commands import intel_app

    return [("intel", intel_app)]


def _filters() -> Mapping[str, Callable[..., Any]]:
    from cyberdelta.intel.timestamps import format_date_us

    return {"intel_date": format_date_us}


def _configure(app: FastAPI) -> None:
    from fastapi import Request
    from fastapi.responses import Response

    from cyberdelta.intel.http.media import TaxiiError, error_response

    @app.exception_handler(TaxiiError)
    async def taxii_error(request: Request, error: TaxiiError) -> Response:
        return error_response(error)

    def http_error(status: int, message: str) -> Response:
        # TAXII 2.1 §3.6.1: errors of the TAXII server (HTTP and domain errors) are TAXII error messages.
        return error_response(TaxiiError(status, message))

    app.state.error_answers["/taxii2/"] = http_error


def _contributions() -> Mapping[str, Sequence[Any]]:
    """The hub's wallet-address indicators as a screening list source, read per organisation under
    TLP (docs/screening.md, "Hub indicators")."""
    from cyberdelta.intel.screening_source import HubIndicators
    from cyberdelta.screening.sources.live import HIT_REPORT_ROUTES, LIST_SOURCES

    # A screening hit is reported through the hub's report form, filled in (docs/intel.md, "Sightings").
    return {LIST_SOURCES: [HubIndicators()], HIT_REPORT_ROUTES: ["intel.report_form"]}


def _shutdown() -> None:
    from cyberdelta.intel import validation_pool

    validation_pool.shutdown()


CAPABILITY = Capability(
    name="intel",
    package="cyberdelta.intel",
    upload_paths=("/intel/import",),
    models=_models,
    routers=_routers,
    tasks=_tasks,
    commands=_commands,
    template_filters=_filters,
    configure_app=_configure,
    on_shutdown=_shutdown,
    contributions=_contributions,
)
