"""Exchange-side steps through the assessment services (real database, one transaction each)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service, transitions
from cyberdelta.assessment.models import Cycle
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.assessment.workflow import Action
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction


def submit(factory: sessionmaker[Session], organisation_id: int, cycle_id: int, maturity: int) -> int:
    """Start (or continue) the firm's assessment, answer every control, review and sign it off."""
    with transaction(factory) as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        assessment = service.start_assessment(session, organisation_id, cycle)
        rows = {
            c.control_id: ResponseInput(maturity=maturity)
            for c in service.view_of(session, assessment).controls
        }
        service.apply_rows(session, assessment, rows, user_id=None)
        transitions.transition(session, assessment, Action.REQUEST_REVIEW, actor=Actor.console())
        transitions.transition(
            session, assessment, Action.SIGN_OFF, actor=Actor.console(), user_name="Approver"
        )
        return assessment.id
