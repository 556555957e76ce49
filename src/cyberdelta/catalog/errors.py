"""Errors a user can cause while importing or exporting a catalog, located by file and JSON path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import gettext


@dataclass(frozen=True)
class Problem:
    """One problem in a document: a JSON path such as ``$.catalog.groups[0].controls[2].id``."""

    path: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        return f"{self.path}: {gettext(self.message, **self.params)}"


class CatalogError(DomainError):
    """Base class for catalog errors shown to users (never with a traceback)."""


class CatalogImportError(CatalogError):
    """The document was rejected; nothing was stored."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        head = gettext("%(source)s was not imported:", source=self.source)
        lines = [head, *(f"  {problem.render()}" for problem in self.problems[:50])]
        if len(self.problems) > 50:
            lines.append("  " + gettext("… and %(count)s more problems", count=len(self.problems) - 50))
        return "\n".join(lines)


class CatalogNotFoundError(CatalogError):
    status = 404

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(reference)

    def render(self) -> str:
        return gettext("No catalog version matches %(reference)s", reference=self.reference)


class VersionExistsError(CatalogError):
    status = 409

    def __init__(self, key: str, version: str) -> None:
        self.key = key
        self.version = version
        super().__init__(f"{key}@{version}")

    def render(self) -> str:
        return gettext(
            "Version %(version)s of catalog %(key)s is already published; published versions are "
            "immutable, so give the new content a new metadata version.",
            version=self.version,
            key=self.key,
        )


class MappingExistsError(CatalogError):
    status = 409

    def __init__(self, reference: str, oscal_uuid: str) -> None:
        self.reference = reference
        self.oscal_uuid = oscal_uuid
        super().__init__(f"{reference}:{oscal_uuid}")

    def render(self) -> str:
        return gettext(
            "The mapping collection %(uuid)s is already imported for %(catalog)s; imported mappings "
            "are immutable, so give a revised collection a new uuid.",
            uuid=self.oscal_uuid,
            catalog=self.reference,
        )


class MappingNotFoundError(CatalogError):
    status = 404

    def __init__(self, oscal_uuid: str) -> None:
        self.oscal_uuid = oscal_uuid
        super().__init__(oscal_uuid)

    def render(self) -> str:
        return gettext("No mapping collection %(uuid)s for this catalog version", uuid=self.oscal_uuid)
