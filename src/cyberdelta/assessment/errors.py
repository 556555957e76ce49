"""Errors a user can cause in the self-assessment; each names the field and the reason (current language)."""

from __future__ import annotations


class AssessmentError(ValueError):
    """Rejected input or action; nothing was stored."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFoundError(LookupError):
    """No such object for the acting organisation (another organisation's object looks absent)."""


class ConflictError(AssessmentError):
    """Someone else saved the same answer since it was loaded (optimistic concurrency)."""

    def __init__(self, field: str, reason: str, current_version: int) -> None:
        super().__init__(field, reason)
        self.current_version = current_version


class FrozenError(AssessmentError):
    """The assessment is signed off (or accepted): nothing its signature covers may change."""
