"""What members do with their self-assessments, each audited with its actor (docs/assessment.md;
docs/architecture.md, "Actors and the audit trail"; OWASP ASVS 5.0 V16.2): starting one, answers,
the inherent-risk profile, workbook imports, exports and report downloads. The functions they build
on (``service.start_assessment``, ``service.save_response`` …) stay unaudited for demo data and tests;
evidence, the plan and the workflow audit in their own modules."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy.orm import Session

from cyberdelta.assessment import exports, service
from cyberdelta.assessment.models import Assessment, Cycle, Response
from cyberdelta.assessment.targets import InherentRiskProfile
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.service import audit

OBJECT_TYPE = "assessment"


def start(session: Session, actor: Actor, organisation_id: int, cycle: Cycle) -> Assessment:
    """The organisation's open assessment in ``cycle``; audited when this call creates it."""
    existing = service.latest_assessment(session, organisation_id, cycle.id)
    assessment = service.start_assessment(session, organisation_id, cycle)
    if existing is None or existing.id != assessment.id:
        audit(
            session,
            actor,
            "assessment.started",
            organisation_id=organisation_id,
            object_type=OBJECT_TYPE,
            object_id=assessment.id,
            details={"cycle": cycle.name, "revision": assessment.revision},
        )
    return assessment


def save_answer(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    control_id: str,
    data: service.ResponseInput,
    *,
    expected_version: int,
) -> Response:
    """Save one answer (:func:`service.save_response`: version-checked) and audit what it now says."""
    row = service.save_response(
        session, assessment, control_id, data, expected_version=expected_version, user_id=actor.user_id
    )
    audit(
        session,
        actor,
        "assessment.answer_saved",
        organisation_id=assessment.organisation_id,
        object_type=OBJECT_TYPE,
        object_id=assessment.id,
        details={
            "control_id": control_id,
            "version": row.version,
            "maturity": row.maturity,
            "not_applicable": row.not_applicable,
            "target_override": row.target_override,
        },
    )
    return row


def change_profile(
    session: Session, actor: Actor, organisation_id: int, profile: InherentRiskProfile
) -> None:
    """Store the inherent-risk profile (the editable assessments' targets follow it)."""
    service.save_profile(session, organisation_id, profile)
    audit(
        session,
        actor,
        "assessment.profile_changed",
        organisation_id=organisation_id,
        object_type="risk_profile",
        object_id=organisation_id,
        details={"answers": service.profile_answers(profile)},
    )


def import_workbook(session: Session, actor: Actor, assessment: Assessment, data: bytes) -> int:
    """Apply a filled workbook (all or nothing, :func:`exports.import_workbook`); audited with the
    file's SHA-256 and how many answers it set."""
    count = exports.import_workbook(session, assessment, data, actor.user_id)
    audit(
        session,
        actor,
        "assessment.imported",
        organisation_id=assessment.organisation_id,
        object_type=OBJECT_TYPE,
        object_id=assessment.id,
        details={"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "answers": count},
    )
    return count


EXPORT_FORMATS = ("xlsx", "oscal-assessment-results", "oscal-poam")


def export(session: Session, actor: Actor, assessment: Assessment, export_format: str) -> bytes:
    """The assessment as a workbook or an OSCAL document (JSON, UTF-8), audited as an export."""
    if export_format == "xlsx":
        content = exports.export_workbook(session, assessment)
    elif export_format == "oscal-assessment-results":
        content = _json(exports.export_assessment_results(session, assessment))
    elif export_format == "oscal-poam":
        content = _json(exports.export_poam(session, assessment))
    else:
        raise ValueError(export_format)
    record_export(session, actor, assessment, export_format, hashlib.sha256(content).hexdigest())
    return content


def _json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def record_export(
    session: Session, actor: Actor, assessment: Assessment, export_format: str, sha256: str
) -> None:
    """Audit that the assessment left the platform as ``export_format`` (xlsx, OSCAL assessment
    results, OSCAL POA&M, PDF report), with the exported bytes' SHA-256."""
    audit(
        session,
        actor,
        "assessment.exported",
        organisation_id=assessment.organisation_id,
        object_type=OBJECT_TYPE,
        object_id=assessment.id,
        details={
            "format": export_format,
            "revision": assessment.revision,
            "state": assessment.state,
            "sha256": sha256,
        },
    )
