"""Imports every capability's tables so that ``metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

from cyberdelta.catalog import models as catalog_models
from cyberdelta.db.base import Base

metadata = Base.metadata
__all__ = ["catalog_models", "metadata"]
