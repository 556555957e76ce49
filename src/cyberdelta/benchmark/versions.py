"""Year-over-year comparisons across catalog versions (docs/benchmark.md).

A cycle pins one immutable catalog version, and two cycles may pin different ones. A control is
*comparable* between two cycles only when it exists in both versions (matched by OSCAL control
id, as :mod:`cyberdelta.catalog.diff` matches them) and nothing that decides what is assessed or
how it is scored changed: its statement (either language), level, weight, parameters or placement
(a move to another domain). A change of title or guidance alone keeps it comparable.

Every other control is *changed*, *added* (new in the later cycle) or *withdrawn* (only in the
earlier one), and a year-over-year change of a domain (or of the overall score) is computed over
the domain's comparable controls only, with the newer version's weights for both years.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from cyberdelta.assessment.catalog_view import CatalogView, catalog_view
from cyberdelta.catalog.diff import CatalogDiff, diff_catalogs
from cyberdelta.catalog.models import CatalogVersion
from cyberdelta.catalog.service import export_document

# Fields of a catalog diff that make a control's maturities of two versions incomparable.
NOT_COMPARABLE_FIELDS = frozenset({"statement", "statement_ja", "level", "weight", "params", "placement"})


class Status(StrEnum):
    CHANGED = "changed"
    ADDED = "added"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ControlStatus:
    """A control that cannot be compared between the two versions, and why."""

    control_id: str
    label: str
    title: str
    domain: str
    status: Status
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class DomainMapping:
    """How many of a domain's controls (in the newer version) are comparable, and what changed."""

    code: str
    comparable: int
    total: int
    changed: int
    added: int
    withdrawn: int

    @property
    def complete(self) -> bool:
        return self.comparable == self.total and not self.withdrawn


@dataclass(frozen=True)
class VersionMapping:
    """The control mapping between the catalog versions of an earlier and a later cycle."""

    old_version: str
    new_version: str
    comparable: frozenset[str]
    controls: dict[str, ControlStatus]  # control id → status, incomparable controls only
    domains: dict[str, DomainMapping]

    @property
    def identical(self) -> bool:
        """True when every control compares as it is (the same version, or no relevant change)."""
        return not self.controls

    def status(self, control_id: str) -> ControlStatus | None:
        return self.controls.get(control_id)

    @property
    def comparable_total(self) -> int:
        return len(self.comparable)


def map_versions(
    old: CatalogView, new: CatalogView, diff: CatalogDiff, old_version: str, new_version: str
) -> VersionMapping:
    """Map the controls of two catalog versions (pure). ``diff`` is ``diff_catalogs(old, new)``."""
    new_ids = {control.control_id for control in new.controls}
    old_by_id = {control.control_id: control for control in old.controls}
    changed_fields = {
        change.oscal_id: tuple(name for name in change.fields if name in NOT_COMPARABLE_FIELDS)
        for change in diff.changed
    }
    controls: dict[str, ControlStatus] = {}
    for control in new.controls:
        fields = changed_fields.get(control.control_id, ())
        if control.control_id not in old_by_id:
            status: Status | None = Status.ADDED
        elif fields or old_by_id[control.control_id].domain != control.domain:
            status = Status.CHANGED
        else:
            status = None
        if status is not None:
            controls[control.control_id] = ControlStatus(
                control.control_id, control.label, control.display_title, control.domain, status, fields
            )
    for control in old.controls:
        if control.control_id not in new_ids:
            controls[control.control_id] = ControlStatus(
                control.control_id, control.label, control.display_title, control.domain, Status.WITHDRAWN
            )
    comparable = frozenset(new_ids - controls.keys())
    codes = [domain.code for domain in new.domains] + [
        domain.code for domain in old.domains if new.domain(domain.code) is None
    ]
    domains = {}
    for code in codes:
        members = [control.control_id for control in new.controls if control.domain == code]
        affected = [item.status for item in controls.values() if item.domain == code]
        domains[code] = DomainMapping(
            code=code,
            comparable=sum(1 for control_id in members if control_id in comparable),
            total=len(members),
            changed=affected.count(Status.CHANGED),
            added=affected.count(Status.ADDED),
            withdrawn=affected.count(Status.WITHDRAWN),
        )
    return VersionMapping(old_version, new_version, comparable, controls, domains)


def version_mapping(session: Session, old_version_id: int, new_version_id: int) -> VersionMapping:
    """The mapping between two stored catalog versions (diffed with :func:`diff_catalogs`)."""
    old_row = session.get(CatalogVersion, old_version_id)
    new_row = session.get(CatalogVersion, new_version_id)
    if old_row is None or new_row is None:
        raise LookupError(f"catalog version {old_version_id} or {new_version_id} does not exist")
    new_view = catalog_view(session, new_version_id)
    if old_version_id == new_version_id:
        return map_versions(new_view, new_view, CatalogDiff(), old_row.version, new_row.version)
    diff = diff_catalogs(
        export_document(session, old_row)["catalog"], export_document(session, new_row)["catalog"]
    )
    old_view = catalog_view(session, old_version_id)
    return map_versions(old_view, new_view, diff, old_row.version, new_row.version)
