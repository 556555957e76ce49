"""JSON shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel

# Row ids are 32-bit integers on PostgreSQL; a larger id names nothing (404/422, never a 500).
MAX_ROW_ID = 2_147_483_647
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


class PrincipalOut(BaseModel):
    """Who the caller is acting as."""

    user_id: int | None
    organisation_id: int | None
    organisation_kind: str | None
    role: str | None
    permissions: list[str]
    token_id: str | None  # the token's public id (docs/architecture.md, "Public ids")


class ApiTokenOut(BaseModel):
    """An API token as listed: its first characters identify it, the secret is never returned; ``id``
    is its public id, as ``DELETE /api/v1/tokens/{token_id}`` takes it."""

    id: str
    name: str
    prefix: str
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ErrorOut(BaseModel):
    """An error answer: ``detail`` names the field or the reason; ``field`` is the form field, option
    or JSON path at fault when a domain error knows it (docs/architecture.md, "Decisions", "Errors")."""

    detail: str
    field: str | None = None


def error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the error answers a route can give (schemathesis checks they are listed)."""
    described = {
        401: "Not signed in, or the API token is unknown, expired or revoked",
        403: "The caller lacks the permission, or a recent passkey confirmation (step-up)",
        404: "No such object in the acting organisation",
    }
    return {code: {"model": ErrorOut, "description": described[code]} for code in codes}
