"""Who does something, and through which door (docs/architecture.md, "Actors and the audit trail").

An :class:`Actor` is built at the edge (a request's principal, a command, a job) and passed into
the services, which write their own audit entries with it (``platform.audit.service.audit``). The
same action then leaves the same entry whether it came from a page, the API, the CLI or a job;
only ``channel`` (and, for a request, its id and client address) tells them apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    CLI = "cli"
    JOB = "job"


class ActorKind(StrEnum):
    PERSON = "person"  # a signed-in person
    TOKEN = "token"  # noqa: S105 (a kind of actor, not a secret): an API token, on behalf of the person who made it
    SYSTEM = "system"  # the operator at the console, or the platform's own jobs
    ANONYMOUS = "anonymous"  # a caller not (yet) signed in, e.g. a failed sign-in


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    channel: Channel
    user_id: int | None = None
    organisation_id: int | None = None
    token_id: int | None = None
    token_creator_id: int | None = None
    request_id: str | None = None
    client: str | None = None

    @classmethod
    def console(cls) -> Actor:
        """The operator running a ``cyberdelta`` command (no person recorded: the console is
        trusted as the machine's administrator)."""
        return cls(ActorKind.SYSTEM, Channel.CLI)

    @classmethod
    def person(cls, user_id: int, organisation_id: int | None, channel: Channel = Channel.WEB) -> Actor:
        """A person acting in ``organisation_id`` (built from a request by ``platform.web.actor``)."""
        return cls(ActorKind.PERSON, channel, user_id=user_id, organisation_id=organisation_id)

    @classmethod
    def job(cls) -> Actor:
        """The platform's own background and periodic work."""
        return cls(ActorKind.SYSTEM, Channel.JOB)

    def as_person(self, user_id: int, organisation_id: int | None) -> Actor:
        """The same request once it is known who is acting (the sign-in that has just succeeded)."""
        return dataclasses.replace(
            self, kind=ActorKind.PERSON, user_id=user_id, organisation_id=organisation_id
        )

    def audit_details(self) -> dict[str, Any]:
        """What an audit entry records of the actor besides its person and organisation."""
        details: dict[str, Any] = {"channel": self.channel.value}
        if self.token_id is not None:
            details["api_token_id"] = self.token_id
            if self.token_creator_id is not None:
                details["api_token_creator_id"] = self.token_creator_id
        if self.client is not None:
            details["client"] = self.client
        return details
