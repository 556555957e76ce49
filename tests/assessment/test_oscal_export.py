"""OSCAL assessment-results and POA&M of a stored assessment, validated by compliance-trestle's own
``trestle validate`` command in a trestle workspace (and by its models)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from cyberdelta.assessment import evidence, exports
from cyberdelta.assessment.errors import AssessmentError
from cyberdelta.assessment.models import Assessment
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.models import Organisation
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, sign_in_client
from tests.assessment.conftest import assessment_catalog
from tests.assessment.helpers import answer_all, reload
from tests.public_ids import public

TRESTLE = Path(sys.executable).parent / "trestle"


def trestle_validate(workspace: Path, kind: str, document: dict[str, object]) -> None:
    folder = workspace / kind / "exported"
    folder.mkdir(parents=True)
    path = folder / f"{kind}.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    done = subprocess.run(
        [TRESTLE, "validate", "-f", str(path)], cwd=workspace, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VALID" in done.stdout


def test_both_exports_are_valid_oscal(
    session_factory: sessionmaker[Session], assessment: Assessment, tmp_path: Path
) -> None:
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 4, "cx-1": 3, "cx-2": None})
    with transaction(session_factory) as session:
        found = reload(session, assessment)
        link = evidence.add_link(
            session,
            found.organisation_id,
            url="https://wiki.example.jp/policy",
            title="Policy",
            actor=Actor.console(),
        )
        evidence.attach(session, Actor.console(), found, link, ["gv-1", "cx-1"])
        results = exports.export_assessment_results(session, found)
        poam = exports.export_poam(session, found)
    body = results["assessment-results"]
    observations = {o["title"]: o for o in body["results"][0]["observations"]}
    assert observations["Policy"]["relevant-evidence"] == [
        {"description": "Policy", "href": "https://wiki.example.jp/policy"}
    ]
    findings = {
        (f["target"]["type"], f["target"]["target-id"]): f["target"]["status"]["state"]
        for f in body["results"][0]["findings"]
    }
    assert findings == {
        ("statement-id", "gv-1_smt"): "not-satisfied",
        ("statement-id", "gv-2_smt"): "satisfied",
        ("statement-id", "cx-1_smt"): "satisfied",
    }
    items = poam["plan-of-action-and-milestones"]["poam-items"]
    assert [i["title"] for i in items] == ["GV-1: 方針"]
    AssessmentResults.model_validate(body)
    PlanOfActionAndMilestones.model_validate(poam["plan-of-action-and-milestones"])
    subprocess.run([TRESTLE, "init"], cwd=tmp_path, check=True, capture_output=True)
    trestle_validate(tmp_path, "assessment-results", results)
    trestle_validate(tmp_path, "plan-of-action-and-milestones", poam)


def part_ids(catalog: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def visit(node: dict[str, Any]) -> None:
        for part in node.get("parts") or []:
            if "id" in part:
                found.add(part["id"])
            visit(part)
        for child in (node.get("groups") or []) + (node.get("controls") or []):
            visit(child)

    visit(catalog)
    return found


def test_findings_target_parts_of_the_catalog_and_every_actor_is_defined(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    """OSCAL 1.1 assessment layer: a finding's ``target`` names a ``statement-id`` or an
    ``objective-id`` of the assessed catalog, not a control id; an ``origin`` actor's uuid names a
    component (``type: tool``) or party the document defines."""
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 4, "cx-1": 3, "cx-2": None})
    with transaction(session_factory) as session:
        found = reload(session, assessment)
        results = exports.export_assessment_results(session, found)["assessment-results"]
        poam = exports.export_poam(session, found)["plan-of-action-and-milestones"]
    catalog_parts = part_ids(assessment_catalog()["catalog"])
    targets = [finding["target"] for finding in results["results"][0]["findings"]]
    assert targets and all(t["type"] in ("statement-id", "objective-id") for t in targets)
    assert {t["target-id"] for t in targets} <= catalog_parts
    tools = {c["uuid"] for c in poam["local-definitions"]["components"] if c["type"] == "software"}
    parties = {p["uuid"] for p in poam["metadata"]["parties"]}
    actors = [
        actor
        for risk in poam["risks"]
        for characterization in risk["characterizations"]
        for actor in characterization["origin"]["actors"]
    ]
    assert actors
    for actor in actors:
        assert actor["actor-uuid"] in (tools if actor["type"] == "tool" else parties)


def test_a_poam_without_open_items_is_refused_with_the_reason(
    client: TestClient, session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    """OSCAL requires at least one poam-item: with every control at its target the export used to
    fail inside the OSCAL models (500); it answers 409 with what is missing and writes no export."""
    answer_all(session_factory, assessment, {"gv-1": 5, "gv-2": 5, "cx-1": 5, "cx-2": 5})
    with transaction(session_factory) as session:
        found = reload(session, assessment)
        with pytest.raises(AssessmentError) as refused:
            exports.export_poam(session, found)
    assert refused.value.status == 409 and refused.value.field == "poam"
    with transaction(session_factory) as session:
        organisation = session.get(Organisation, assessment.organisation_id)
        assert organisation is not None
        officer = make_member(session, organisation, Role.SECURITY_OFFICER)
        session.expunge_all()
    sign_in_client(client, officer, organisation)
    answer = client.get(
        f"/assessment/{public(client, 'assessment', assessment.id)}/oscal/poam.json",
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 409 and "poam" in answer.json()["field"]
    with session_factory() as session:
        assert (
            session.scalars(select(AuditEntry).where(AuditEntry.action == "assessment.exported")).all() == []
        )
