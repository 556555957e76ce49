"""Jinja2 templates with gettext bound to the request's language (see :mod:`cyberdelta.i18n`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from cyberdelta import i18n
from cyberdelta.auth.csrf import csrf_token
from cyberdelta.intel.timestamps import format_date_us

TEMPLATES = Path(__file__).resolve().parent / "templates"


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), extensions=["jinja2.ext.i18n"]
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message, **params: i18n.gettext(message, **params),
        ngettext=lambda singular, plural, count, **params: i18n.ngettext(singular, plural, count, **params),
        newstyle=True,
    )
    env.globals["pick"] = i18n.pick
    env.globals["current_language"] = i18n.current_language
    env.globals["csrf_token"] = csrf_token
    env.filters["intel_date"] = format_date_us
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
