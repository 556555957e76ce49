"""The scenario library (docs/exercise.md, "Scenario library"): the built-in Delta Wall scenario is
loaded when the database is prepared, in both languages, with injects over every phase and the
management decisions the policy names; imports are checked whole, versioned, audited, and an
unchanged import stores nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.catalog.service import control_ids_of, get_version
from cyberdelta.exercise.errors import ScenarioError
from cyberdelta.exercise.library import (
    builtin_document,
    check_document,
    get_scenario_version,
    import_scenario,
    list_scenarios,
    resolve,
    scenario_of,
)
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from tests.exercise.helpers import BUILTIN_KEY, prepared, version_count


def test_the_builtin_scenario_is_loaded_once(session_factory: sessionmaker[Session]) -> None:
    prepared(session_factory)
    prepared(session_factory)
    with session_factory() as session:
        (summary,) = list_scenarios(session)
        stored = get_scenario_version(session, BUILTIN_KEY)
        scenario = scenario_of(stored)
        controls = control_ids_of(session, get_version(session, "cyberdelta-cssa").id)
    assert (summary.key, summary.version, summary.versions, summary.builtin) == (BUILTIN_KEY, 1, 1, True)
    assert scenario.blind
    assert len(scenario.injects) >= 25
    assert {phase.key for phase in scenario.phases} == {inject.phase for inject in scenario.injects}
    assert {"suspend-withdrawals", "notify-fsa", "public-statement", "compensation", "police", "freeze"} <= {
        point.key for point in scenario.decisions
    }
    # Every decision point is reached by an inject, has options and says what a good decision weighs.
    assert {point.key for point in scenario.decisions} <= {inject.decision for inject in scenario.injects}
    assert all(len(point.options) >= 2 and point.weighs and point.weighs_ja for point in scenario.decisions)
    for inject in scenario.injects:
        assert inject.title and inject.title_ja and inject.description and inject.description_ja
        assert inject.expected_actions and all(a.text and a.text_ja for a in inject.expected_actions)
        assert inject.controls and set(inject.controls) <= controls
    # Both incidents the policy draws on: the poisoned signing interface and the fake recruiter.
    techniques = {technique for inject in scenario.injects for technique in inject.techniques}
    assert {"T1195.002", "T1566.003"} <= techniques
    minutes = [inject.minutes for inject in scenario.injects]
    assert minutes == sorted(minutes)


def _changed(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["injects"][0]["title"] = "Unexplained outflow from the cold wallet (revised)"
    return changed


def test_an_import_is_a_new_audited_version_and_an_unchanged_one_stores_nothing(
    session_factory: sessionmaker[Session],
) -> None:
    prepared(session_factory)
    with transaction(session_factory) as session:
        version, created = import_scenario(
            session, Actor.console(), check_document(session, _changed(builtin_document())), source="v2.json"
        )
        assert (version.version, created) == (2, True)
        again, created_again = import_scenario(
            session, Actor.console(), check_document(session, _changed(builtin_document())), source="v2.json"
        )
        assert (again.id, created_again) == (version.id, False)
    with session_factory() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "exercise.scenario_imported")
        ).all()
        first = scenario_of(resolve(session, f"{BUILTIN_KEY}@1"))
        newest = scenario_of(resolve(session, BUILTIN_KEY))
    assert [(e.details["key"], e.details["version"], e.details["channel"]) for e in entries] == [
        (BUILTIN_KEY, 2, "cli")
    ]
    # A version never changes: the first still reads as it was stored.
    assert first.injects[0].title == "Unexplained outflow from the cold wallet"
    assert newest.injects[0].title.endswith("(revised)")


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        (lambda d: d["injects"][3].update(offset="D+1 H+25"), "$.injects[3].offset", "hours 0–23"),
        (
            lambda d: d["injects"][0].update(controls=["zz-9.9"]),
            "$.injects[0].controls[0]",
            "unknown control zz-9.9",
        ),
        (lambda d: d["decisions"][0].update(options=[]), "$.decisions[0].options", "at least two options"),
        (lambda d: d["injects"][1].update(order=1), "$.injects[1].order", "order number 1 appears twice"),
        (lambda d: d["injects"][2].update(phase="lunch"), "$.injects[2].phase", "unknown phase lunch"),
        (
            lambda d: d["injects"][2].update(decision="resign"),
            "$.injects[2].decision",
            "unknown decision point",
        ),
        (lambda d: d["injects"][2].update(techniques=["T15"]), "$.injects[2].techniques[0]", "ATT&CK"),
        (lambda d: d["injects"][2].update(channel="fax"), "$.injects[2].channel", "choose one of"),
        (lambda d: d["injects"][2].update(title_ja=""), "$.injects[2].title_ja", "is required"),
        (lambda d: d.update(start="2026-03-10T09:00:00"), "$.start", "UTC offset"),
        (lambda d: d.update(catalog="no-such"), "$.catalog", "no catalog no-such"),
    ],
)
def test_bad_documents_are_refused_naming_the_path(
    session_factory: sessionmaker[Session], change: Any, where: str, reason: str
) -> None:
    prepared(session_factory)
    document = builtin_document()
    change(document)
    with session_factory() as session, pytest.raises(ScenarioError) as refused:
        check_document(session, document)
    assert any(p.where == where and reason in p.reason for p in refused.value.problems), (
        refused.value.problems
    )
    assert version_count(session_factory) == 1


def test_every_problem_is_listed_at_once(session_factory: sessionmaker[Session]) -> None:
    prepared(session_factory)
    document = builtin_document()
    document["injects"][0]["offset"] = "soon"
    document["injects"][5]["controls"] = ["xx-1"]
    with session_factory() as session, pytest.raises(ScenarioError) as refused:
        check_document(session, document)
    assert {p.where for p in refused.value.problems} == {"$.injects[0].offset", "$.injects[5].controls[0]"}


def test_preparing_again_after_an_edit_does_not_bring_the_builtin_back(
    session_factory: sessionmaker[Session],
) -> None:
    prepared(session_factory)
    with transaction(session_factory) as session:
        import_scenario(
            session, Actor.console(), check_document(session, _changed(builtin_document())), source="v2.json"
        )
    prepared(session_factory)
    with session_factory() as session:
        assert resolve(session, BUILTIN_KEY).version == 2
    assert version_count(session_factory) == 2
