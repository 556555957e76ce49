"""JSON shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class PrincipalOut(BaseModel):
    """Who the caller is acting as."""

    user_id: int | None
    organisation_id: int | None
    organisation_kind: str | None
    role: str | None
    permissions: list[str]
    token_id: int | None


class ApiTokenOut(BaseModel):
    """An API token as listed: its first characters identify it, the secret is never returned."""

    id: int
    name: str
    prefix: str
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
