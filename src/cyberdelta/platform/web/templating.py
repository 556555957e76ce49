"""Jinja2 templates with gettext bound to the request's language (see :mod:`cyberdelta.platform.i18n`).

The platform's own templates (the page layout, error page, navigation) come first on the search
path, then each capability's ``templates`` folder as the manifests give them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from cyberdelta.platform.templates import make_environment
from cyberdelta.platform.web.csrf import csrf_token
from cyberdelta.platform.web.permitted import template_may
from cyberdelta.platform.web.urls import template_path_for, template_public_id


def make_templates(
    *folders: Path,
    globals_: Mapping[str, Any] | None = None,
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> Jinja2Templates:
    """Page templates (:func:`cyberdelta.platform.templates.make_environment`) with the CSRF token."""
    env = make_environment(
        *folders,
        globals_={
            "csrf_token": csrf_token,
            "path_for": template_path_for,
            "public_id": template_public_id,
            "may": template_may,
            **(globals_ or {}),
        },
        filters=filters,
    )
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
