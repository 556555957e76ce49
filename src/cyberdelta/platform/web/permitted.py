"""Whether the current caller may use a named route: menus and buttons are derived from the policy
the route itself declares (:mod:`cyberdelta.platform.web.access`), so a page never offers a link or
a button that answers 403 (docs/home.md; OWASP ASVS 5.0 V8.2: the interface reflects the same
authorisation the server enforces, which stays the only enforcement).

Templates call ``may('assessment.sign_off')``. The route's policy is read once per application from
its dependencies (the same way the role × route test reads it) and held by route name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from jinja2 import pass_context
from starlette.requests import Request

from cyberdelta.platform.web.access import policy_of

_UNKNOWN = object()


def _policies(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        found = policy_of(sub.call) if sub.call is not None else None
        if found is not None:
            yield found
        yield from _policies(sub)


def route_policies(app: Any) -> dict[str, Any]:
    """Every named route's declared policy (a permission, ``public``, ``signed_in``,
    ``authenticated``); held on ``app.state`` once built."""
    cached: dict[str, Any] | None = getattr(app.state, "route_policies", None)
    if cached is not None:
        return cached
    table: dict[str, Any] = {}
    for context in iter_route_contexts(app.routes):  # included routers' routes as the app serves them
        route = context.original_route
        if isinstance(route, APIRoute):
            found = set(_policies(context.dependant))
            # A route with a permission of its own also inherits its mount's "public": the permission decides.
            specific = found - {"public"} if len(found) > 1 else found
            table[route.name] = specific.pop() if len(specific) == 1 else _UNKNOWN
    app.state.route_policies = table
    return table


def allows(policy: Any, principal: Any) -> bool:
    """Whether ``principal`` (or None) passes ``policy`` (the checks of ``access``, without step-up)."""
    if policy == "public":
        return True
    if principal is None:
        return False
    if policy == "signed_in":
        return principal.user_id is not None
    if policy == "authenticated":
        return True
    if policy is _UNKNOWN:
        return False
    return bool(principal.has(policy))


def may(request: Request, name: str) -> bool:
    """Whether the caller of ``request`` may use the route called ``name``."""
    policy = route_policies(request.app).get(name, _UNKNOWN)
    return allows(policy, getattr(request.state, "principal", None))


@pass_context
def template_may(context: Any, name: str) -> bool:
    return may(context["request"], name)
