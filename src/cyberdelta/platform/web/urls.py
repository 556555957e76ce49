"""Named routes (docs/architecture.md, "Named routes"): templates and redirects build URLs from a
route's name, never by spelling its path, so a route can move without a page breaking.

Every route of a capability is named ``<capability>.<endpoint>`` (e.g. ``catalog.tree``) when the app
includes it; templates call ``path_for(name, **params)``, handlers :func:`path_for` or
:func:`redirect_to`. Both give the path only (``/catalogs/cssa/1.0``), as the pages always have.

A parameter that carries a public id (:data:`~cyberdelta.platform.web.public_ids.KINDS`) may be
given as the row id: it is encoded, so no page or redirect spells a row id (docs/architecture.md,
"Decisions", "Public ids").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from jinja2 import pass_context
from starlette.routing import BaseRoute

from cyberdelta.platform.web.public_ids import encode, encode_parameter


def name_routes(capability: str, router: APIRouter) -> None:
    """Give each route of ``router`` the name ``<capability>.<endpoint>`` (once: routers are
    module-level objects shared by every app the process builds)."""
    for route in router.routes:
        included = getattr(route, "original_router", None)  # a router included into this one
        if isinstance(included, APIRouter):
            name_routes(capability, included)
        else:
            _name(capability, route)


def _name(capability: str, route: BaseRoute) -> None:
    name = getattr(route, "name", None)
    if isinstance(name, str) and not name.startswith(capability + "."):
        route.name = f"{capability}.{name}"  # type: ignore[attr-defined]


def path_for(request: Request, name: str, /, query: dict[str, Any] | None = None, **params: Any) -> str:
    """The path of the route ``name`` with ``params``, and ``query`` as a query string."""
    values = {key: str(encode_parameter(request, key, value)) for key, value in params.items()}
    path = str(request.app.url_path_for(name, **values))
    return f"{path}?{urlencode(query, safe='/', quote_via=quote)}" if query else path


def redirect_to(
    request: Request, name: str, /, query: dict[str, Any] | None = None, fragment: str = "", **params: Any
) -> RedirectResponse:
    """303 See Other to a named route (RFC 9110 §15.4.4: after a form post, fetch the page with GET)."""
    target = path_for(request, name, query=query, **params)
    return RedirectResponse(target + (f"#{fragment}" if fragment else ""), status_code=303)


@pass_context
def template_path_for(context: Any, name: str, /, **params: Any) -> str:
    """``path_for`` for templates, which have the request in their context."""
    return path_for(context["request"], name, **params)


@pass_context
def template_public_id(context: Any, name: str, row_id: int) -> str:
    """The public id of ``row_id`` for parameter ``name``, for a value that ends up in a URL (a query
    string, a select of a GET form): ``public_id('cycle_id', cycle.id)``."""
    return encode(context["request"], name, row_id)
