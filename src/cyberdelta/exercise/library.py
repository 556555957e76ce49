"""The scenario library (docs/exercise.md, "Scenario library"): versioned scenarios kept by the
organiser of an industry exercise — the supervisor or the SRO (seed 003: the FSA's Delta Wall
exercise, every exchange within three years).

Each import is checked whole (:func:`~cyberdelta.exercise.document.parse_scenario`, its controls
against the newest version of the scenario's catalog) and stored as a new immutable version; an
import identical to the newest version stores nothing. The built-in scenario ships as a data file
and is loaded when the database is prepared (:func:`ensure_builtin_scenario`), never at import time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cyberdelta.catalog.errors import CatalogNotFoundError
from cyberdelta.catalog.service import control_ids_of, get_version
from cyberdelta.exercise.document import Scenario, parse_scenario
from cyberdelta.exercise.errors import ExerciseNotFoundError, Problem, ScenarioError
from cyberdelta.exercise.models import ExerciseScenario, ExerciseScenarioVersion
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit
from cyberdelta.platform.i18n import gettext as _

BUILTIN_FILE = "delta-wall-outflow.json"
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


def builtin_document() -> dict[str, Any]:
    """The shipped scenario document (package data of :mod:`cyberdelta.exercise`)."""
    text = resources.files("cyberdelta.exercise").joinpath("data", BUILTIN_FILE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def known_controls(session: Session, catalog_key: str) -> set[str] | None:
    """The control ids of the newest version of ``catalog_key``; None when no such catalog is stored."""
    try:
        return control_ids_of(session, get_version(session, catalog_key).id)
    except CatalogNotFoundError:
        return None


def check_document(session: Session, document: Any) -> Scenario:
    """The checked scenario, or :class:`ScenarioError` with every problem by JSON path."""
    catalog = document.get("catalog") if isinstance(document, dict) else None
    controls = known_controls(session, catalog) if isinstance(catalog, str) and catalog.strip() else set()
    return parse_scenario(document, controls)


def read_document(data: bytes) -> Any:
    """A scenario document from JSON bytes (refused, naming the line, when it is not JSON)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ScenarioError([Problem("$", _("larger than %(max)s bytes", max=MAX_DOCUMENT_BYTES))])
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError([Problem("$", _("not UTF-8 text"))]) from None
    except json.JSONDecodeError as error:
        raise ScenarioError(
            [Problem("$", _("not JSON (line %(line)s: %(reason)s)", line=error.lineno, reason=error.msg))]
        ) from None


def _store(
    session: Session, scenario: Scenario, *, source: str, builtin: bool, user_id: int | None
) -> tuple[ExerciseScenarioVersion, bool]:
    """The new version of ``scenario`` (True), or the newest one when it is identical (False)."""
    document = canonical_json(scenario.document())
    digest = hashlib.sha256(document.encode()).hexdigest()
    stored = session.scalar(select(ExerciseScenario).where(ExerciseScenario.key == scenario.key))
    if stored is None:
        stored = ExerciseScenario(key=scenario.key, title=scenario.title, title_ja=scenario.title_ja)
        session.add(stored)
        session.flush()
    newest = latest_version(session, stored.id)
    if newest is not None and newest.digest == digest:
        return newest, False
    stored.title, stored.title_ja = scenario.title, scenario.title_ja
    version = ExerciseScenarioVersion(
        scenario_id=stored.id,
        version=(newest.version if newest else 0) + 1,
        document=document,
        digest=digest,
        builtin=builtin,
        inject_count=len(scenario.injects),
        decision_count=len(scenario.decisions),
        source=source[:200],
        imported_by=user_id,
    )
    session.add(version)
    session.flush()
    return version, True


def import_scenario(
    session: Session, actor: Actor, scenario: Scenario, *, source: str
) -> tuple[ExerciseScenarioVersion, bool]:
    """Store a checked scenario as a new version, audited; (version, False) when it is unchanged."""
    version, created = _store(session, scenario, source=source, builtin=False, user_id=actor.user_id)
    if created:
        audit(
            session,
            actor,
            "exercise.scenario_imported",
            object_type="exercise_scenario_version",
            object_id=version.id,
            details={
                "key": scenario.key,
                "version": version.version,
                "injects": version.inject_count,
                "decisions": version.decision_count,
                "file": source,
                "sha256": version.digest,
            },
        )
    return version, created


def ensure_builtin_scenario(session: Session) -> ExerciseScenarioVersion:
    """Store the shipped scenario unless a version of its key already holds this content.

    Several processes may prepare the database at once: when another stores it first, this one's
    insert meets the unique keys, is undone by its savepoint, and the stored version is used."""
    scenario = check_document(session, builtin_document())
    digest = hashlib.sha256(canonical_json(scenario.document()).encode()).hexdigest()
    # Once stored, the shipped content stays one version however the library moves on after it.
    stored = session.scalar(
        select(ExerciseScenarioVersion)
        .join(ExerciseScenario, ExerciseScenario.id == ExerciseScenarioVersion.scenario_id)
        .where(ExerciseScenario.key == scenario.key, ExerciseScenarioVersion.digest == digest)
        .limit(1)
    )
    if stored is not None:
        return stored
    try:
        with session.begin_nested():
            version, _created = _store(session, scenario, source=BUILTIN_FILE, builtin=True, user_id=None)
            return version
    except IntegrityError:
        return get_scenario_version(session, scenario.key)


def latest_version(session: Session, scenario_id: int) -> ExerciseScenarioVersion | None:
    return session.scalar(
        select(ExerciseScenarioVersion)
        .where(ExerciseScenarioVersion.scenario_id == scenario_id)
        .order_by(ExerciseScenarioVersion.version.desc())
        .limit(1)
    )


def get_scenario_version(session: Session, key: str, version: int | None = None) -> ExerciseScenarioVersion:
    """Version ``version`` of scenario ``key`` (None: the newest)."""
    query = (
        select(ExerciseScenarioVersion)
        .join(ExerciseScenario, ExerciseScenario.id == ExerciseScenarioVersion.scenario_id)
        .where(ExerciseScenario.key == key)
    )
    if version is not None:
        query = query.where(ExerciseScenarioVersion.version == version)
    found = session.scalar(query.order_by(ExerciseScenarioVersion.version.desc()).limit(1))
    if found is None:
        label = f"{key}@{version}" if version is not None else key
        raise ExerciseNotFoundError(_("No scenario %(key)s.", key=label), where="key")
    return found


def resolve(session: Session, reference: str) -> ExerciseScenarioVersion:
    """``KEY`` (newest version) or ``KEY@VERSION``."""
    key, _sep, number = reference.partition("@")
    if number and not number.isdigit():
        raise ExerciseNotFoundError(_("No scenario %(key)s.", key=reference), where="key")
    return get_scenario_version(session, key, int(number) if number else None)


def scenario_of(version: ExerciseScenarioVersion) -> Scenario:
    """The stored document as a scenario (checked when stored; its controls are not checked again:
    a version keeps the controls it was checked against even after the catalog moves on)."""
    return parse_scenario(json.loads(version.document), None, check_controls=False)


@dataclass(frozen=True)
class ScenarioSummary:
    key: str
    title: str
    title_ja: str
    version: int
    versions: int
    injects: int
    decisions: int
    builtin: bool


def list_scenarios(session: Session) -> list[ScenarioSummary]:
    """Every scenario with its newest version, by key."""
    counted = select(ExerciseScenarioVersion.scenario_id, func.count()).group_by(
        ExerciseScenarioVersion.scenario_id
    )
    counts: dict[int, int] = {scenario_id: count for scenario_id, count in session.execute(counted).all()}  # noqa: C416
    found: list[ScenarioSummary] = []
    for scenario in session.scalars(select(ExerciseScenario).order_by(ExerciseScenario.key)):
        newest = latest_version(session, scenario.id)
        if newest is None:
            continue
        found.append(
            ScenarioSummary(
                key=scenario.key,
                title=scenario.title,
                title_ja=scenario.title_ja,
                version=newest.version,
                versions=counts.get(scenario.id, 0),
                injects=newest.inject_count,
                decisions=newest.decision_count,
                builtin=newest.builtin,
            )
        )
    return found


def record_export(session: Session, actor: Actor, version: ExerciseScenarioVersion, key: str) -> None:
    """Audit the export of a version: its master event list holds injects players must not see
    before release (blind mode), so who took a copy is on record."""
    audit(
        session,
        actor,
        "exercise.scenario_exported",
        object_type="exercise_scenario_version",
        object_id=version.id,
        details={"key": key, "version": version.version},
    )
