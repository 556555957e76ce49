"""A small synthetic industry (the demo generator over the built-in catalog) on both databases."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.benchmark.demo import populate
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings

DEMO_ORGS = 12


@dataclass(frozen=True)
class World:
    organisations: list[int]
    cycles: list[int]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Background jobs run at once, so an acceptance's recomputation is visible to the next request."""
    return settings.model_copy(update={"jobs_mode": "immediate"})


@pytest.fixture
def world(session_factory: sessionmaker[Session]) -> World:
    with transaction(session_factory) as session:
        result = populate(session, orgs=DEMO_ORGS, cycles=2)
    return World(result.organisations, result.cycles)
