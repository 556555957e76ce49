"""The catalog as the assessment sees it: controls with their domain (top-level group), level, weight."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cyberdelta.assessment.scoring import ControlSpec
from cyberdelta.catalog.service import controls_of, groups_of
from cyberdelta.catalog.tree import first_prop
from cyberdelta.platform.i18n import pick


@dataclass(frozen=True)
class Domain:
    code: str
    title: str
    title_ja: str
    weight: float

    @property
    def display(self) -> str:
        return pick(self.title, self.title_ja)


@dataclass(frozen=True)
class ControlInfo:
    control_id: str
    domain: str
    label: str
    title: str
    title_ja: str
    statement: str
    statement_ja: str
    level: str
    weight: float

    @property
    def spec(self) -> ControlSpec:
        return ControlSpec(self.control_id, self.domain, self.level, self.weight)

    @property
    def display_title(self) -> str:
        return pick(self.title, self.title_ja)

    @property
    def display_statement(self) -> str:
        return pick(self.statement, self.statement_ja)


@dataclass(frozen=True)
class CatalogView:
    domains: list[Domain]
    controls: list[ControlInfo]

    @property
    def specs(self) -> list[ControlSpec]:
        return [control.spec for control in self.controls]

    def control(self, control_id: str) -> ControlInfo | None:
        return next((c for c in self.controls if c.control_id == control_id), None)

    def domain(self, code: str) -> Domain | None:
        return next((d for d in self.domains if d.code == code), None)

    def of_domain(self, code: str) -> list[ControlInfo]:
        return [c for c in self.controls if c.domain == code]


def catalog_view(session: Session, version_id: int) -> CatalogView:
    """Domains are the catalog's top-level groups (GV, ID, …, CX); their ``weight`` prop, else 1."""
    groups = groups_of(session, version_id)
    by_id = {group.id: group for group in groups}

    def top(group_id: int | None) -> str:
        while group_id is not None and by_id[group_id].parent_id is not None:
            group_id = by_id[group_id].parent_id
        if group_id is None:
            return "other"
        return by_id[group_id].oscal_id or str(group_id)

    domains = [
        Domain(
            code=group.oscal_id or str(group.id),
            title=group.title,
            title_ja=group.title_ja or group.title,
            weight=float(first_prop(group.body_json, "weight") or 1.0),
        )
        for group in groups
        if group.parent_id is None
    ]
    controls = [
        ControlInfo(
            control_id=row.oscal_id,
            domain=top(row.group_id),
            label=row.label or row.oscal_id.upper(),
            title=row.title,
            title_ja=row.title_ja or row.title,
            statement=row.statement,
            statement_ja=row.statement_ja or row.statement,
            level=row.level or "desirable",
            weight=row.weight,
        )
        for row in controls_of(session, version_id)
    ]
    if any(control.domain == "other" for control in controls):
        domains.append(Domain("other", "Other", "その他", 1.0))
    return CatalogView(domains=domains, controls=controls)
