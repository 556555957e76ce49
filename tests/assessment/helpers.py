"""Shared steps of the assessment tests (real database, one transaction per step)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service
from cyberdelta.assessment.models import Assessment
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.platform.db.engine import transaction


def answer_all(
    factory: sessionmaker[Session], assessment: Assessment, maturities: dict[str, int | None]
) -> None:
    """Answer each control (None = N/A with a reason)."""
    with transaction(factory) as session:
        found = service.get_assessment(session, assessment.organisation_id, assessment.id)
        for control_id, maturity in maturities.items():
            data = (
                ResponseInput(not_applicable=True, na_reason="not used")
                if maturity is None
                else ResponseInput(maturity=maturity, comment=f"comment on {control_id}")
            )
            service.save_response(session, found, control_id, data, expected_version=0, user_id=None)


def reload(session: Session, assessment: Assessment) -> Assessment:
    return service.get_assessment(session, assessment.organisation_id, assessment.id)
