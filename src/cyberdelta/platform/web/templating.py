"""Jinja2 templates with gettext bound to the request's language (see :mod:`cyberdelta.platform.i18n`).

The platform's own templates (the page layout, error page, navigation) come first on the search
path, then each capability's ``templates`` folder as the manifests give them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from cyberdelta.platform import i18n
from cyberdelta.platform.web.csrf import csrf_token

TEMPLATES = Path(__file__).resolve().parent / "templates"


def make_templates(
    *folders: Path,
    globals_: Mapping[str, Any] | None = None,
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> Jinja2Templates:
    """Templates from the platform's folder and ``folders``, with the capabilities' globals and filters."""
    loader = ChoiceLoader([FileSystemLoader(folder) for folder in (TEMPLATES, *folders)])
    env = Environment(loader=loader, autoescape=select_autoescape(), extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message, **params: i18n.gettext(message, **params),
        ngettext=lambda singular, plural, count, **params: i18n.ngettext(singular, plural, count, **params),
        newstyle=True,
    )
    env.globals["pick"] = i18n.pick
    env.globals["current_language"] = i18n.current_language
    env.globals["csrf_token"] = csrf_token
    env.globals.update(globals_ or {})
    env.filters.update(filters or {})
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
