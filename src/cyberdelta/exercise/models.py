"""Exercise tables: the scenario library (docs/exercise.md, "Scenario library").

A scenario is known by its key; each import stores a new immutable version holding the whole
checked scenario document (:mod:`cyberdelta.exercise.document`) as canonical JSON, so that a run
started on a version plays exactly what was reviewed, however the scenario changes afterwards.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

import cyberdelta.tenancy.models  # noqa: F401 (the user_account table referred to)
from cyberdelta.platform.db.base import Base, utcnow


class ExerciseScenario(Base):
    """A scenario of the library, by its key; its title is the newest version's."""

    __tablename__ = "exercise_scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_ja: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExerciseScenarioVersion(Base):
    """One immutable version of a scenario: the checked document and what it holds."""

    __tablename__ = "exercise_scenario_version"
    __table_args__ = (UniqueConstraint("scenario_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("exercise_scenario.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)  # canonical JSON of the scenario document
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of ``document``
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    inject_count: Mapped[int] = mapped_column(Integer)
    decision_count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")  # file name it came from
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
