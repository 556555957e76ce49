"""Fixtures of the supervision tests: the demo industry, immediate background jobs, a supervisor."""

from __future__ import annotations

from tests.benchmark.conftest import World, settings, world

__all__ = ["World", "settings", "world"]
