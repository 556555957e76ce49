"""Recording audit entries from a request: the request id and the actor come from the request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from fastapi import Request
from sqlalchemy.orm import Session

from cyberdelta.platform.audit.service import record


class Principal(Protocol):
    """The acting party as an audit entry records it."""

    @property
    def user_id(self) -> int | None: ...

    @property
    def organisation_id(self) -> int | None: ...

    @property
    def token_id(self) -> int | None: ...


def log(
    request: Request,
    session: Session,
    action: str,
    *,
    principal: Principal | None = None,
    user_id: int | None = None,
    organisation_id: int | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append an entry for this request; the principal, when given, supplies actor and organisation."""
    extra = dict(details or {})
    if principal is not None and principal.token_id is not None:
        extra.setdefault("api_token_id", principal.token_id)
        creator = getattr(principal, "token_creator_id", None)
        if creator is not None:
            extra.setdefault("api_token_creator_id", creator)
    if request.client is not None:
        extra.setdefault("client", request.client.host)
    record(
        session,
        action=action,
        actor_user_id=user_id if user_id is not None else (principal.user_id if principal else None),
        organisation_id=organisation_id
        if organisation_id is not None
        else (principal.organisation_id if principal else None),
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        request_id=getattr(request.state, "request_id", None),
        details=extra,
    )
