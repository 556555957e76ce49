"""Shared set-up of the exercise tests: the library prepared as ``cyberdelta serve`` prepares it,
and master event lists edited as a planner would, with openpyxl on a real file."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.catalog.service import ensure_builtin_catalog
from cyberdelta.exercise.library import ensure_builtin_scenario, scenario_of
from cyberdelta.exercise.models import ExerciseScenarioVersion
from cyberdelta.exercise.workbook import write_workbook
from cyberdelta.platform.db.engine import transaction

BUILTIN_KEY = "delta-wall-outflow"


def prepared(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        ensure_builtin_catalog(session)
        ensure_builtin_scenario(session)


def builtin_workbook(factory: sessionmaker[Session]) -> bytes:
    with factory() as session:
        from cyberdelta.exercise.library import get_scenario_version

        return write_workbook(scenario_of(get_scenario_version(session, BUILTIN_KEY)))


def edited(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    book = load_workbook(BytesIO(data))
    change(book)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def version_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(ExerciseScenarioVersion)) or 0
