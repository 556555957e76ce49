"""Errors a user can cause while importing lists or screening (docs/screening.md)."""

from __future__ import annotations

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.screening.sources.common import Problem


class ScreeningError(DomainError):
    """Base class of the screening capability's errors."""


class ListImportError(ScreeningError):
    """A list file that cannot be imported at all; nothing was stored."""

    field = "file"

    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename = filename
        self.problems = problems
        super().__init__(filename)

    def render(self) -> str:
        lines = [_("%(file)s was not imported:", file=self.filename)]
        lines += [f"  {problem.render()}" for problem in self.problems[:50]]
        return "\n".join(lines)


class UnknownSourceError(ScreeningError):
    field = "source"

    def __init__(self, source: str, known: tuple[str, ...]) -> None:
        self.source = source
        self.known = known
        super().__init__(source)

    def render(self) -> str:
        return _(
            "unknown list source %(source)r (use one of %(known)s)",
            source=self.source,
            known=", ".join(self.known),
        )


class ListAlreadyImportedError(ScreeningError):
    status = 409
    field = "file"

    def __init__(self, filename: str, version_id: int) -> None:
        self.filename = filename
        self.version_id = version_id
        super().__init__(filename)

    def render(self) -> str:
        return _(
            "%(file)s has the same content as list version %(version)s, which is already imported",
            file=self.filename,
            version=self.version_id,
        )
