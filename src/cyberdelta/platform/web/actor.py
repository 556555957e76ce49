"""The :class:`~cyberdelta.platform.actor.Actor` of a request (docs/architecture.md, "Actors and
the audit trail"): its caller, request id and client address; the channel is ``api`` for a token
or a path under ``/api/`` or ``/taxii2/``, else ``web``."""

from __future__ import annotations

from typing import Protocol

from fastapi import Request

from cyberdelta.platform.actor import Actor, ActorKind, Channel
from cyberdelta.platform.web.access import is_api


class Principal(Protocol):
    """What an actor records of the request's caller."""

    @property
    def user_id(self) -> int | None: ...

    @property
    def organisation_id(self) -> int | None: ...

    @property
    def token_id(self) -> int | None: ...

    @property
    def token_creator_id(self) -> int | None: ...


def actor_of(request: Request, principal: Principal | None = None) -> Actor:
    """The actor of ``request``: ``principal`` when the route has one, else an anonymous caller."""
    channel = Channel.API if is_api(request) or (principal and principal.token_id) else Channel.WEB
    if principal is None:
        kind = ActorKind.ANONYMOUS
    elif principal.token_id is not None:
        kind = ActorKind.TOKEN
    else:
        kind = ActorKind.PERSON
    return Actor(
        kind=kind,
        channel=channel,
        user_id=principal.user_id if principal else None,
        organisation_id=principal.organisation_id if principal else None,
        token_id=principal.token_id if principal else None,
        token_creator_id=principal.token_creator_id if principal else None,
        request_id=getattr(request.state, "request_id", None),
        client=request.client.host if request.client is not None else None,
    )
