"""The assessment state machine (docs/assessment.md).

draft → in_review (internal review) → submitted (signed off by an executive approver) →
accepted or returned by the supervisor. In review can go back to draft. A returned assessment is
closed; work continues in a new revision that starts as a draft (the old one is kept as it was).
Submitted, accepted and returned assessments are frozen: their answers no longer change.
"""

from __future__ import annotations

from enum import StrEnum

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _


class State(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Action(StrEnum):
    REQUEST_REVIEW = "request_review"
    BACK_TO_DRAFT = "back_to_draft"
    SIGN_OFF = "sign_off"
    ACCEPT = "accept"
    RETURN = "return"


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.REQUEST_REVIEW): State.IN_REVIEW,
    (State.IN_REVIEW, Action.BACK_TO_DRAFT): State.DRAFT,
    (State.IN_REVIEW, Action.SIGN_OFF): State.SUBMITTED,
    (State.SUBMITTED, Action.ACCEPT): State.ACCEPTED,
    (State.SUBMITTED, Action.RETURN): State.RETURNED,
}
EDITABLE = frozenset({State.DRAFT, State.IN_REVIEW})


class TransitionError(DomainError):
    """The action is not allowed in the current state."""

    status = 409

    def __init__(self, state: State, action: Action) -> None:
        self.state = state
        self.action = action
        super().__init__(
            _(
                "The action '%(action)s' is not allowed while the assessment is '%(state)s'.",
                action=action.value,
                state=state.value,
            )
        )


def next_state(state: State, action: Action) -> State:
    """The state after ``action``; raises :class:`TransitionError` for a forbidden transition."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionError(state, action) from None


def allowed_actions(state: State) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source is state]


def is_editable(state: State) -> bool:
    return state in EDITABLE
