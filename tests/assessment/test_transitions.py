"""Stored workflow: review, sign-off freezes a snapshot, return opens a new revision; forbidden
transitions and incomplete submissions change nothing; every transition is recorded and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import service, transitions
from cyberdelta.assessment.errors import AssessmentError
from cyberdelta.assessment.models import Assessment, WorkflowEvent
from cyberdelta.assessment.service import ResponseInput
from cyberdelta.assessment.workflow import Action, State, TransitionError
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.audit.service import verify
from cyberdelta.platform.db.engine import transaction
from tests.assessment.helpers import answer_all, reload

ALL = {"gv-1": 2, "gv-2": 4, "cx-1": 1, "cx-2": None}


def act(factory: sessionmaker[Session], assessment: Assessment, action: Action) -> Assessment:
    with transaction(factory) as session:
        return transitions.transition(
            session, reload(session, assessment), action, actor=Actor.console(), user_name="役員 花子"
        )


def test_sign_off_freezes_a_snapshot_with_approver_and_time(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    answer_all(session_factory, assessment, ALL)
    act(session_factory, assessment, Action.REQUEST_REVIEW)
    signed = act(session_factory, assessment, Action.SIGN_OFF)
    assert signed.state == State.SUBMITTED and signed.signed_off_by_name == "役員 花子"
    assert signed.signed_off_at is not None
    assert signed.snapshot is not None and signed.snapshot["responses"]["gv-1"]["maturity"] == 2
    with transaction(session_factory) as session, pytest.raises(AssessmentError) as raised:
        service.save_response(
            session,
            reload(session, assessment),
            "gv-1",
            ResponseInput(maturity=5),
            expected_version=1,
            user_id=None,
        )
    assert raised.value.field == "state"
    with transaction(session_factory) as session:
        events = [(e.action, e.from_state, e.to_state) for e in session.scalars(select(WorkflowEvent))]
        assert events == [("request_review", "draft", "in_review"), ("sign_off", "in_review", "submitted")]
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence))]
        assert actions == ["assessment.request_review", "assessment.sign_off"]
        assert verify(session).ok


def test_unanswered_controls_block_sign_off(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    answer_all(session_factory, assessment, {"gv-1": 2})
    act(session_factory, assessment, Action.REQUEST_REVIEW)
    with pytest.raises(AssessmentError) as raised:
        act(session_factory, assessment, Action.SIGN_OFF)
    assert raised.value.field == "responses" and "3" in raised.value.reason
    with transaction(session_factory) as session:
        assert reload(session, assessment).state == State.IN_REVIEW


def test_forbidden_transitions_raise_and_change_nothing(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    answer_all(session_factory, assessment, ALL)
    for action in (Action.SIGN_OFF, Action.ACCEPT, Action.RETURN, Action.BACK_TO_DRAFT):
        with pytest.raises(TransitionError):
            act(session_factory, assessment, action)
    with transaction(session_factory) as session:
        assert reload(session, assessment).state == State.DRAFT
        assert session.scalar(select(WorkflowEvent)) is None


def test_a_returned_submission_is_kept_and_reopened_as_a_new_revision(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    answer_all(session_factory, assessment, ALL)
    for action in (Action.REQUEST_REVIEW, Action.SIGN_OFF, Action.RETURN):
        act(session_factory, assessment, action)
    with transaction(session_factory) as session:
        fresh = transitions.reopen(session, reload(session, assessment), actor=Actor.console())
        assert (fresh.revision, fresh.state, fresh.previous_id) == (2, State.DRAFT, assessment.id)
        copied = {k: r.maturity for k, r in service.responses_of(session, fresh).items()}
        assert copied == {"gv-1": 2, "gv-2": 4, "cx-1": 1, "cx-2": None}
        assert service.latest_assessment(session, assessment.organisation_id) == fresh
        old = reload(session, assessment)
        assert old.state == State.RETURNED and old.snapshot is not None
