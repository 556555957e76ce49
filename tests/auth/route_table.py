"""Every route of the application with the policy it declares (read from the router, not a list)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from cyberdelta.platform.web.access import policy_of
from cyberdelta.tenancy.permissions import Permission


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    policy: Permission | str | None

    def sample_path(self, values: dict[str, str] | None = None) -> str:
        """The path with every parameter filled: given values, else a number no row has."""
        chosen = values or {}
        return re.sub(r"{(\w+)(:\w+)?}", lambda m: chosen.get(m.group(1), "987654"), self.path)


def _policies(dependant: Any) -> Iterator[Permission | str]:
    for sub in dependant.dependencies:
        found = policy_of(sub.call) if sub.call is not None else None
        if found is not None:
            yield found
        yield from _policies(sub)


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every FastAPI route, including those of included routers (as the app really serves them)."""
    found = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        policies = set(_policies(context.dependant))
        policy = policies.pop() if len(policies) == 1 else None
        for method in sorted(set(context.methods or ()) - {"HEAD"}):
            found.append(Endpoint(method, str(context.path), policy))
    return found


def framework_routes(app: FastAPI) -> set[str]:
    """Routes that are not FastAPI endpoints: OpenAPI document, its viewer, static files."""
    return {
        str(context.path)
        for context in iter_route_contexts(app.routes)
        if not isinstance(context.original_route, APIRoute)
    }
