"""One base for the errors a user can cause (docs/architecture.md, "Decisions", "Errors").

A :class:`DomainError` carries the HTTP status it is answered with, a message in the language in
force (English message ids, Japanese through the capability's ``.po`` file) and, where known, the
field, cell or JSON path at fault. Pages, the JSON API and the CLI each answer every domain error
through one handler, so a service raises and never maps its own errors to HTTP.
"""

from __future__ import annotations


class DomainError(Exception):
    """An error the user can fix; shown without a traceback.

    ``status`` is the HTTP status (422 by default: the request was understood but cannot be carried
    out); ``field`` names the form field, option, cell or JSON path at fault, if any.
    """

    status: int = 422
    field: str | None = None

    def render(self) -> str:
        """The message shown to the user, in the language in force."""
        return str(self)
