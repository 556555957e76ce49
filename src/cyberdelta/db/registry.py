"""Imports every capability's tables so that ``metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

from cyberdelta.assessment import models as assessment_models
from cyberdelta.audit import models as audit_models
from cyberdelta.auth import models as auth_models
from cyberdelta.benchmark import feedback_models as benchmark_feedback_models
from cyberdelta.benchmark import models as benchmark_models
from cyberdelta.catalog import models as catalog_models
from cyberdelta.db.base import Base
from cyberdelta.intel import models as intel_models
from cyberdelta.supervision import models as supervision_models
from cyberdelta.tenancy import models as tenancy_models

metadata = Base.metadata
__all__ = [
    "assessment_models",
    "audit_models",
    "auth_models",
    "benchmark_feedback_models",
    "benchmark_models",
    "catalog_models",
    "intel_models",
    "metadata",
    "supervision_models",
    "tenancy_models",
]
