"""JSON API shapes for catalogs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CatalogVersionOut(BaseModel):
    key: str
    version: str
    title: str
    title_ja: str | None
    control_count: int
    builtin: bool
    imported_at: str


class ControlOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(validation_alias="oscal_id")
    label: str | None
    title: str
    title_ja: str | None
    level: str | None
    weight: float
    statement: str
    statement_ja: str | None
