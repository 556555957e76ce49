"""Stored assessment ↔ Excel workbook and → OSCAL documents (docs/assessment.md).

The import is all or nothing: the workbook is read and checked completely before anything is
written, and the writes happen in the caller's single transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cyberdelta.assessment import plan, service
from cyberdelta.assessment.errors import NothingToExportError
from cyberdelta.assessment.evidence import evidence_by_response
from cyberdelta.assessment.models import Assessment
from cyberdelta.assessment.oscal_export import (
    AssessmentDocument,
    ControlResult,
    PlanItem,
    assessment_results,
    plan_of_action_and_milestones,
)
from cyberdelta.assessment.spreadsheet import Row, SheetControl, read_workbook, write_workbook
from cyberdelta.catalog.assessment_targets import assessment_targets
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.tenancy.service import get_organisation


def _sheet_controls(session: Session, assessment: Assessment) -> list[SheetControl]:
    view = service.view_of(session, assessment)
    domains = {domain.code: domain for domain in view.domains}
    return [
        SheetControl(
            control_id=c.control_id,
            domain=c.domain,
            domain_title=domains[c.domain].title,
            domain_title_ja=domains[c.domain].title_ja,
            title=c.title,
            title_ja=c.title_ja,
            level=c.level,
        )
        for c in view.controls
    ]


def organisation_name(session: Session, assessment: Assessment, language: str = "ja") -> str:
    organisation = get_organisation(session, assessment.organisation_id)
    if organisation is None:
        return ""
    return organisation.name_ja if language == "ja" else organisation.name_en


def export_workbook(session: Session, assessment: Assessment) -> bytes:
    key, version = service.catalog_of(session, assessment)
    rows = {
        control_id: Row(r.maturity, r.not_applicable, r.na_reason, r.comment, r.owner)
        for control_id, r in service.responses_of(session, assessment).items()
    }
    name = organisation_name(session, assessment)
    return write_workbook(key, version, name, _sheet_controls(session, assessment), rows)


def import_workbook(session: Session, assessment: Assessment, data: bytes, user_id: int | None) -> int:
    """Check the whole workbook (raises ``WorkbookError`` with every problem), then apply it."""
    service.require_editable(assessment)
    key, version = service.catalog_of(session, assessment)
    rows = read_workbook(data, key, version, _sheet_controls(session, assessment))
    inputs = {
        control_id: service.ResponseInput(
            maturity=row.maturity,
            not_applicable=row.not_applicable,
            na_reason=row.na_reason,
            comment=row.comment,
            owner=row.owner,
        )
        for control_id, row in rows.items()
    }
    return service.apply_rows(session, assessment, inputs, user_id)


def oscal_document(session: Session, assessment: Assessment) -> AssessmentDocument:
    key, version = service.catalog_of(session, assessment)
    view = service.view_of(session, assessment)
    result = service.summary(session, assessment, view)
    responses = service.responses_of(session, assessment)
    evidence = evidence_by_response(session, assessment)
    items = plan.refresh_plan(session, assessment)
    with_gap = {item.control_id for item in items if item.status != plan.ItemStatus.DONE}
    targets = assessment_targets(session, assessment.cycle.catalog_version_id)
    controls = []
    for control in view.controls:
        row = responses.get(control.control_id)
        target = result.targets.get(control.domain, 3)
        if row is not None and row.target_override is not None:
            target = row.target_override
        controls.append(
            ControlResult(
                control_id=control.control_id,
                title=control.title,
                maturity=row.maturity if row else None,
                not_applicable=bool(row and row.not_applicable),
                na_reason=row.na_reason if row else "",
                comment=row.comment if row else "",
                target=target,
                has_gap=control.control_id in with_gap,
                finding_target=targets.get(control.control_id),
                evidence=tuple(
                    (e.title, e.url or "") for e in (evidence.get(row.id, []) if row is not None else [])
                ),
            )
        )
    return AssessmentDocument(
        assessment_uuid=assessment.uuid,
        organisation=organisation_name(session, assessment, "en"),
        catalog_key=key,
        catalog_version=version,
        revision=assessment.revision,
        state=assessment.state,
        started_at=assessment.created_at,
        finished_at=assessment.signed_off_at,
        approver=assessment.signed_off_by_name,
        overall=result.overall,
        domains=result.domains,
        controls=controls,
        items=[
            PlanItem(
                uuid=item.uuid,
                control_id=item.control_id,
                title=item.title,
                description=f"{item.gap_kind} gap: maturity {item.current}, target {item.target}",
                owner=item.owner,
                due_date=item.due_date,
                status=item.status,
                priority=item.priority,
                gap_kind=item.gap_kind,
            )
            for item in sorted(items, key=lambda i: -i.priority)
        ],
    )


def export_assessment_results(
    session: Session, assessment: Assessment, now: datetime | None = None
) -> dict[str, Any]:
    return assessment_results(oscal_document(session, assessment), now or utcnow())


def export_poam(session: Session, assessment: Assessment, now: datetime | None = None) -> dict[str, Any]:
    """The OSCAL POA&M of the assessment's improvement plan; an empty plan (every control at its
    target) is :class:`NothingToExportError` (OSCAL 1.1 POA&M: ``poam-items`` holds at least one)."""
    document = oscal_document(session, assessment)
    if not document.items:
        raise NothingToExportError(
            "poam", _("every control meets its target: the improvement plan has no item to export")
        )
    return plan_of_action_and_milestones(document, now or utcnow())
