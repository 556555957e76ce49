"""Jinja2 environments with gettext bound to the language in force (:mod:`cyberdelta.platform.i18n`),
for pages (through :mod:`cyberdelta.platform.web.templating`) and for documents rendered without a
request, such as PDF reports.

The platform's own templates (the page layout, error page, navigation) come first on the search
path, then the folders given (each capability's ``templates`` folder, as the manifests give them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from cyberdelta.platform import i18n

TEMPLATES = Path(__file__).resolve().parent / "web" / "templates"


def make_environment(
    *folders: Path,
    globals_: Mapping[str, Any] | None = None,
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> Environment:
    """An environment over the platform's templates and ``folders``, with these globals and filters."""
    loader = ChoiceLoader([FileSystemLoader(folder) for folder in (TEMPLATES, *folders)])
    env = Environment(loader=loader, autoescape=select_autoescape(), extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message, **params: i18n.gettext(message, **params),
        ngettext=lambda singular, plural, count, **params: i18n.ngettext(singular, plural, count, **params),
        newstyle=True,
    )
    env.globals["pick"] = i18n.pick
    env.globals["current_language"] = i18n.current_language
    env.globals.update(globals_ or {})
    env.filters.update(filters or {})
    return env
