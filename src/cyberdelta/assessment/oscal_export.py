"""OSCAL 1.1.2 exports of an assessment: ``assessment-results`` and ``plan-of-action-and-milestones``.

Mapping (OSCAL 1.1 assessment layer, https://pages.nist.gov/OSCAL/resources/concepts/layer/assessment/):

* a self-assessment has no separate assessment plan, so ``import-ap`` names the catalog version the
  firm assessed itself against (a URN) and says so in ``remarks``;
* one ``result`` per assessment revision; its props carry the overall and per-domain scores
  (namespace :data:`NS`), ``reviewed-controls`` includes every control of the catalog;
* one ``observation`` per answered control (method ``EXAMINE``; maturity, N/A and its reason, the
  evidence as ``relevant-evidence``); one ``finding`` per applicable control, ``satisfied`` when it
  has no gap, else ``not-satisfied``. Its ``target`` names a part of the assessed catalog: the
  control's statement (``statement-id``, e.g. ``gv-1.1_smt``) or its assessment objective
  (``objective-id``); a control with neither part id has its observation but no finding, since a
  control id is not a valid target;
* POA&M: one ``risk`` per improvement item (``deadline`` = due date, ``status`` from the milestone
  status, priority as a ``characterization`` facet) and one ``poam-item`` pointing at it. The
  characterization's ``origin`` actor is CyberDelta itself (``type: tool``), whose uuid names the
  software component the document defines in ``local-definitions`` (OSCAL 1.1 POA&M: a tool
  actor's ``actor-uuid`` references a component).

Both documents are validated with compliance-trestle's models before they are returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from cyberdelta import __version__

NS = "https://cyberdelta.dev/ns/oscal"
OSCAL_VERSION = "1.1.2"
RISK_STATUS = {
    "planned": "open",
    "in_progress": "remediating",
    "done": "closed",
    "deferred": "deviation-requested",
}


@dataclass(frozen=True)
class ControlResult:
    control_id: str
    title: str
    maturity: int | None
    not_applicable: bool = False
    na_reason: str = ""
    comment: str = ""
    target: int = 3
    has_gap: bool = False
    finding_target: tuple[str, str] | None = None
    """(``statement-id`` or ``objective-id``, part id in the catalog): what the finding targets."""
    evidence: tuple[tuple[str, str], ...] = ()
    """(description, href) pairs; href may be empty for uploaded files."""


@dataclass(frozen=True)
class PlanItem:
    uuid: str
    control_id: str
    title: str
    description: str
    owner: str
    due_date: date | None
    status: str
    priority: float
    gap_kind: str


@dataclass(frozen=True)
class AssessmentDocument:
    assessment_uuid: str
    organisation: str
    catalog_key: str
    catalog_version: str
    revision: int
    state: str
    started_at: datetime
    finished_at: datetime | None
    approver: str | None
    overall: float | None
    domains: dict[str, float | None]
    controls: Sequence[ControlResult]
    items: Sequence[PlanItem] = field(default_factory=tuple)


def _stable_uuid(*parts: object) -> str:
    # Same assessment → same OSCAL uuids across exports, so tools can diff them.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "cyberdelta:" + ":".join(str(part) for part in parts)))


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": str(value)}


TOOL_UUID = _stable_uuid("tool")


def _tool_component() -> dict[str, Any]:
    """CyberDelta as the software component that identified the risks (the ``tool`` actor)."""
    return {
        "uuid": TOOL_UUID,
        "type": "software",
        "title": "CyberDelta",
        "description": "The self-assessment platform that derived these risks from the assessment's gaps.",
        "props": [_prop("version", __version__)],
        "status": {"state": "operational"},
    }


def _metadata(title: str, document: AssessmentDocument, now: datetime) -> dict[str, Any]:
    party = _stable_uuid("party", document.organisation)
    metadata: dict[str, Any] = {
        "title": title,
        "last-modified": now.isoformat(),
        "version": f"{document.catalog_version}-r{document.revision}",
        "oscal-version": OSCAL_VERSION,
        "props": [_prop("state", document.state), _prop("generator", f"CyberDelta {__version__}")],
        "roles": [{"id": "assessor", "title": "Self-assessing organisation"}],
        "parties": [{"uuid": party, "type": "organization", "name": document.organisation}],
        "responsible-parties": [{"role-id": "assessor", "party-uuids": [party]}],
    }
    if document.approver:
        metadata["roles"].append({"id": "approver", "title": "Executive approver"})
        approver = _stable_uuid("approver", document.approver)
        metadata["parties"].append({"uuid": approver, "type": "person", "name": document.approver})
        metadata["responsible-parties"].append({"role-id": "approver", "party-uuids": [approver]})
    return metadata


def assessment_results(document: AssessmentDocument, now: datetime) -> dict[str, Any]:
    """The ``assessment-results`` document (validated; raises pydantic's error if it were not)."""
    base = (document.assessment_uuid, document.revision)
    observations = []
    findings = []
    for control in document.controls:
        if control.maturity is None and not control.not_applicable:
            continue
        observation_uuid = _stable_uuid("observation", *base, control.control_id)
        if control.not_applicable:
            description = f"{control.control_id}: not applicable — {control.na_reason}"
            props = [_prop("not-applicable", "true")]
        else:
            description = f"{control.control_id}: maturity {control.maturity} of 5"
            props = [_prop("maturity", control.maturity), _prop("target", control.target)]
        observation: dict[str, Any] = {
            "uuid": observation_uuid,
            "title": control.title,
            "description": description,
            "props": props,
            "methods": ["EXAMINE"],
            "collected": (document.finished_at or now).isoformat(),
        }
        if control.comment:
            observation["remarks"] = control.comment
        if control.evidence:
            observation["relevant-evidence"] = [
                {"description": text, **({"href": href} if href else {})} for text, href in control.evidence
            ]
        observations.append(observation)
        if control.not_applicable or control.finding_target is None:
            continue
        target_type, target_id = control.finding_target
        findings.append(
            {
                "uuid": _stable_uuid("finding", *base, control.control_id),
                "title": control.title,
                "description": description,
                "target": {
                    "type": target_type,
                    "target-id": target_id,
                    "status": {"state": "not-satisfied" if control.has_gap else "satisfied"},
                },
                "related-observations": [{"observation-uuid": observation_uuid}],
            }
        )
    result: dict[str, Any] = {
        "uuid": _stable_uuid("result", *base),
        "title": f"Self-assessment of {document.organisation}, revision {document.revision}",
        "description": f"Cyber-security self-assessment against {document.catalog_key} "
        f"{document.catalog_version} (state: {document.state}).",
        "start": document.started_at.isoformat(),
        "props": [_prop("overall-score", "n/a" if document.overall is None else f"{document.overall:.2f}")]
        + [
            _prop(f"domain-score-{domain}", "n/a" if score is None else f"{score:.2f}")
            for domain, score in document.domains.items()
        ],
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
    }
    if document.finished_at is not None:
        result["end"] = document.finished_at.isoformat()
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    body = {
        "uuid": _stable_uuid("assessment-results", *base),
        "metadata": _metadata(f"Self-assessment results: {document.organisation}", document, now),
        "import-ap": {
            "href": f"urn:cyberdelta:catalog:{document.catalog_key}:{document.catalog_version}",
            "remarks": "Self-assessment: no separate assessment plan; the catalog version assessed.",
        },
        "results": [result],
    }
    AssessmentResults.model_validate(body)
    return {"assessment-results": body}


def plan_of_action_and_milestones(document: AssessmentDocument, now: datetime) -> dict[str, Any]:
    """The ``plan-of-action-and-milestones`` document of the improvement plan (validated)."""
    base = (document.assessment_uuid, document.revision)
    risks = []
    items = []
    for item in document.items:
        risk_uuid = _stable_uuid("risk", item.uuid)
        risk: dict[str, Any] = {
            "uuid": risk_uuid,
            "title": item.title,
            "description": item.description or item.title,
            "statement": f"{item.gap_kind} gap on {item.control_id}",
            "props": [_prop("control-id", item.control_id), _prop("owner", item.owner or "-")],
            "status": RISK_STATUS.get(item.status, "open"),
            "characterizations": [
                {
                    "origin": {"actors": [{"type": "tool", "actor-uuid": TOOL_UUID}]},
                    "facets": [{"name": "priority", "system": NS, "value": f"{item.priority:g}"}],
                }
            ],
        }
        if item.due_date is not None:
            risk["deadline"] = datetime.combine(
                item.due_date, time(23, 59, 59), tzinfo=now.tzinfo
            ).isoformat()
        risks.append(risk)
        items.append(
            {
                "uuid": item.uuid,
                "title": item.title,
                "description": item.description or item.title,
                "props": [_prop("milestone-status", item.status), _prop("gap-kind", item.gap_kind)],
                "related-risks": [{"risk-uuid": risk_uuid}],
            }
        )
    body: dict[str, Any] = {
        "uuid": _stable_uuid("poam", *base),
        "metadata": _metadata(f"Improvement plan: {document.organisation}", document, now),
        "system-id": {"identifier-type": NS, "id": document.assessment_uuid},
        "local-definitions": {"components": [_tool_component()]},
        "poam-items": items,
    }
    if risks:
        body["risks"] = risks
    PlanOfActionAndMilestones.model_validate(body)
    return {"plan-of-action-and-milestones": body}
