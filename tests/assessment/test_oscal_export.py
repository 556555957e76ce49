"""OSCAL assessment-results and POA&M of a stored assessment, validated by compliance-trestle's own
``trestle validate`` command in a trestle workspace (and by its models)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from cyberdelta.assessment import evidence, exports
from cyberdelta.assessment.models import Assessment
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from tests.assessment.helpers import answer_all, reload

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
        f["target"]["target-id"]: f["target"]["status"]["state"] for f in body["results"][0]["findings"]
    }
    assert findings == {"gv-1": "not-satisfied", "gv-2": "satisfied", "cx-1": "satisfied"}
    items = poam["plan-of-action-and-milestones"]["poam-items"]
    assert [i["title"] for i in items] == ["GV-1: 方針"]
    AssessmentResults.model_validate(body)
    PlanOfActionAndMilestones.model_validate(poam["plan-of-action-and-milestones"])
    subprocess.run([TRESTLE, "init"], cwd=tmp_path, check=True, capture_output=True)
    trestle_validate(tmp_path, "assessment-results", results)
    trestle_validate(tmp_path, "plan-of-action-and-milestones", poam)
