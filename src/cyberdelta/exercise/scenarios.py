"""Importing and exporting scenario files (docs/exercise.md, "Master event list in Excel"): the one
path the page and the console share, so both check, store and audit alike."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from cyberdelta.exercise.library import (
    check_document,
    import_scenario,
    read_document,
    record_export,
    resolve,
    scenario_of,
)
from cyberdelta.exercise.models import ExerciseScenarioVersion
from cyberdelta.exercise.workbook import read_workbook, write_workbook
from cyberdelta.platform.actor import Actor

XLSX_MAGIC = b"PK\x03\x04"


def import_file(
    session: Session, actor: Actor, data: bytes, filename: str
) -> tuple[ExerciseScenarioVersion, bool]:
    """A workbook (by its zip signature) or a JSON document, checked whole against the scenario's
    catalog and stored as a new version; :class:`~cyberdelta.exercise.errors.ScenarioError` names
    every problem and nothing is stored."""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        scenario = read_workbook(data, lambda document: check_document(session, document))
    else:
        scenario = check_document(session, read_document(data))
    return import_scenario(session, actor, scenario, source=filename)


def export_file(session: Session, actor: Actor, reference: str, *, as_json: bool = False) -> bytes:
    """Version ``reference`` (``KEY`` or ``KEY@VERSION``) as a workbook or its JSON document, audited."""
    version = resolve(session, reference)
    scenario = scenario_of(version)
    record_export(session, actor, version, scenario.key)
    if as_json:
        return (json.dumps(scenario.document(), ensure_ascii=False, indent=1) + "\n").encode()
    return write_workbook(scenario)
