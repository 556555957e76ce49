"""DESIGN §4 assessment state machine: every allowed transition, and every forbidden one raises."""

from __future__ import annotations

import itertools

import pytest

from cyberdelta.assessment.workflow import (
    TRANSITIONS,
    Action,
    State,
    TransitionError,
    allowed_actions,
    is_editable,
    next_state,
)


def test_the_happy_path_draft_review_sign_off_accept() -> None:
    state = State.DRAFT
    for action in (Action.REQUEST_REVIEW, Action.SIGN_OFF, Action.ACCEPT):
        state = next_state(state, action)
    assert state is State.ACCEPTED


def test_review_can_go_back_to_draft_and_a_submission_can_be_returned() -> None:
    assert next_state(State.IN_REVIEW, Action.BACK_TO_DRAFT) is State.DRAFT
    assert next_state(State.SUBMITTED, Action.RETURN) is State.RETURNED


@pytest.mark.parametrize(
    ("state", "action"),
    [pair for pair in itertools.product(State, Action) if pair not in TRANSITIONS],
)
def test_every_other_transition_is_forbidden(state: State, action: Action) -> None:
    with pytest.raises(TransitionError) as raised:
        next_state(state, action)
    assert action.value in str(raised.value) and state.value in str(raised.value)


def test_a_draft_cannot_be_signed_off_without_review() -> None:
    with pytest.raises(TransitionError):
        next_state(State.DRAFT, Action.SIGN_OFF)


def test_only_draft_and_review_are_editable_and_final_states_offer_no_action() -> None:
    assert [s for s in State if is_editable(s)] == [State.DRAFT, State.IN_REVIEW]
    assert allowed_actions(State.ACCEPTED) == [] and allowed_actions(State.RETURNED) == []
    assert allowed_actions(State.IN_REVIEW) == [Action.BACK_TO_DRAFT, Action.SIGN_OFF]
