"""The complete table metadata: every capability's models imported through the manifests
(Alembic autogenerate, tests that compare the migrations with the models)."""

from __future__ import annotations

from cyberdelta import capabilities
from cyberdelta.platform.db.base import Base

models = capabilities.model_modules()
metadata = Base.metadata
__all__ = ["metadata", "models"]
