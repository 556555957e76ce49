"""JSON shapes of the accounts API."""

from __future__ import annotations

from pydantic import BaseModel


class PrincipalOut(BaseModel):
    """Who the caller is acting as."""

    user_id: int | None
    organisation_id: int | None
    organisation_kind: str | None
    role: str | None
    permissions: list[str]
    token_id: int | None
