"""The attestation that the test was performed (DORA Art. 26(7); docs/tlpt.md, "Phases"): signed
once by a test manager for the authority and once by a member of the control team for the firm, each
in a session that has just made a passkey assertion (the route's step-up policy). When both have
signed, the attestation phase ends that day and the engagement is closed; the phase cannot be ended
any other way.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.base import utcnow
from cyberdelta.tlpt.engagements import CONTROL_TEAM, TEST_MANAGER, _audit, seat
from cyberdelta.tlpt.errors import TlptError, _
from cyberdelta.tlpt.frameworks import CLOSED
from cyberdelta.tlpt.timeline import phase_rows, refresh_deadlines


def sign(session: Session, actor: Actor, engagement_id: int, *, today: date | None = None) -> bool:
    """Sign the attestation for the actor's side; True when both sides have now signed."""
    found = seat(session, actor, engagement_id, TEST_MANAGER, CONTROL_TEAM)
    engagement = found.engagement
    if engagement.phase != "attestation":
        raise TlptError(
            _("The attestation is signed once the remediation plan is in."), status=409, field="phase"
        )
    now = utcnow()
    if found.team == TEST_MANAGER:
        if engagement.authority_signed_at is not None:
            raise TlptError(_("The authority has already signed."), status=409)
        engagement.authority_signed_by, engagement.authority_signed_at = actor.user_id, now
    else:
        if engagement.firm_signed_at is not None:
            raise TlptError(_("The firm has already signed."), status=409)
        engagement.firm_signed_by, engagement.firm_signed_at = actor.user_id, now
    both = engagement.authority_signed_at is not None and engagement.firm_signed_at is not None
    _audit(session, actor, "tlpt.attestation_signed", engagement, side=found.team, complete=both)
    if both:
        row = next(row for row in phase_rows(session, engagement.id) if row.phase == "attestation")
        row.completed_on, row.completed_by = today or date.today(), actor.user_id
        engagement.phase = CLOSED
        refresh_deadlines(session, engagement)
    return both
