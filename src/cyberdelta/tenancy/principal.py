"""Who is acting: a signed-in member in their current organisation, or an API token."""

from __future__ import annotations

from dataclasses import dataclass

from cyberdelta.tenancy.permissions import Permission, Role


@dataclass(frozen=True)
class Principal:
    """The acting party of one request.

    ``user_id`` is None for an API token; ``role`` is None for an API token (its permissions are
    listed on the token itself); ``organisation_id`` is the organisation every query is scoped to.
    """

    user_id: int | None
    organisation_id: int | None
    organisation_kind: str | None
    role: Role | None
    permissions: frozenset[Permission]
    token_id: int | None = None
    # The person who made the API token (None for a token made from the command line).
    token_creator_id: int | None = None
    session_id: int | None = None

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions
