"""Errors a user can cause in the self-assessment; each names the field and the reason (current language)."""

from __future__ import annotations

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext


class AssessmentError(DomainError, ValueError):
    """Rejected input or action; nothing was stored. Shown as the field's name in the language in
    force and the reason."""

    status = 422
    field: str

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def render(self) -> str:
        return f"{gettext(self.field)}: {self.reason}"


class NotFoundError(DomainError, LookupError):
    """No such object for the acting organisation (another organisation's object looks absent)."""

    status = 404

    def render(self) -> str:
        return gettext("The page was not found.")


class ConflictError(AssessmentError):
    """Someone else saved the same answer since it was loaded (optimistic concurrency)."""

    status = 409

    def __init__(self, field: str, reason: str, current_version: int) -> None:
        super().__init__(field, reason)
        self.current_version = current_version

    def render(self) -> str:
        return self.reason


class FrozenError(AssessmentError):
    """The assessment is signed off (or accepted): nothing its signature covers may change."""

    status = 409


class NothingToExportError(AssessmentError):
    """The export would be empty where its standard requires content (an OSCAL POA&M needs at
    least one ``poam-item``)."""

    status = 409
