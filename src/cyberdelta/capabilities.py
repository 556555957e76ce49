"""Every capability in dependency order (docs/architecture.md, "Capabilities"): each may use the
ones before it, never one after it. The app, the CLI, the job queue and the model registry are
built by looping over :data:`CAPABILITIES`; adding a capability means adding its manifest here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from huey.api import Huey
from sqlalchemy import Engine

from cyberdelta.assessment.capability import CAPABILITY as ASSESSMENT
from cyberdelta.audit.capability import CAPABILITY as AUDIT
from cyberdelta.auth.capability import CAPABILITY as AUTH
from cyberdelta.benchmark.capability import CAPABILITY as BENCHMARK
from cyberdelta.catalog.capability import CAPABILITY as CATALOG
from cyberdelta.exercise.capability import CAPABILITY as EXERCISE
from cyberdelta.home.capability import CAPABILITY as HOME
from cyberdelta.intel.capability import CAPABILITY as INTEL
from cyberdelta.platform import jobs
from cyberdelta.platform.capability import Capability, PeriodicTask
from cyberdelta.platform.db.engine import make_session_factory, transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.screening.capability import CAPABILITY as SCREENING
from cyberdelta.signing.capability import CAPABILITY as SIGNING
from cyberdelta.supervision.capability import CAPABILITY as SUPERVISION
from cyberdelta.tenancy.capability import CAPABILITY as TENANCY
from cyberdelta.tlpt.capability import CAPABILITY as TLPT

CAPABILITIES: Final[tuple[Capability, ...]] = (
    TENANCY,
    AUDIT,
    AUTH,
    SCREENING,
    CATALOG,
    ASSESSMENT,
    SUPERVISION,
    BENCHMARK,
    INTEL,
    SIGNING,
    EXERCISE,
    TLPT,
    HOME,
)


def model_modules() -> list[ModuleType]:
    """Every capability's table modules (importing them completes the declarative metadata)."""
    return [module for capability in CAPABILITIES for module in capability.models()]


def template_folders() -> list[Path]:
    return [folder for capability in CAPABILITIES if (folder := capability.templates()) is not None]


def template_globals() -> dict[str, Any]:
    return {
        name: value for capability in CAPABILITIES for name, value in capability.template_globals().items()
    }


def template_filters() -> dict[str, Callable[..., Any]]:
    return {
        name: value for capability in CAPABILITIES for name, value in capability.template_filters().items()
    }


def contributions() -> dict[str, list[Any]]:
    """Every capability's contributions to extension points, by the point's name, in capability order."""
    found: dict[str, list[Any]] = {}
    for capability in CAPABILITIES:
        for point, items in capability.contributions().items():
            found.setdefault(point, []).extend(items)
    return found


def register_tasks() -> None:
    """Make every capability's background task runnable by this process's queues."""
    jobs.register(task for capability in CAPABILITIES for task in capability.tasks())


def queue(settings: Settings, *, start_thread: bool = True) -> Huey:
    """The job queue of ``settings`` with every capability's task registered."""
    register_tasks()
    return jobs.queue_for(settings, start_thread=start_thread)


def periodic_tasks() -> Sequence[PeriodicTask]:
    return [task for capability in CAPABILITIES for task in capability.periodic()]


def prepare_database(engine: Engine) -> None:
    """Run the capabilities' start-up hooks (e.g. load the built-in catalog) in one transaction."""
    with transaction(make_session_factory(engine)) as session:
        for capability in CAPABILITIES:
            if capability.on_database_ready is not None:
                capability.on_database_ready(session)


def prepared_engine(settings: Settings) -> Engine:
    """An engine on an up-to-date schema, prepared by every capability."""
    from cyberdelta.platform.console import upgraded_engine

    return upgraded_engine(settings, prepare=prepare_database)
