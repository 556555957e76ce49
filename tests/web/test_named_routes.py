"""Named routes (docs/architecture.md, "Named routes"): every route has a unique name of its
capability, and neither templates nor redirects spell an internal path by hand."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from cyberdelta import capabilities

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "cyberdelta"
SPELLED_PATH = re.compile(r'(href|action|src|hx-get|hx-post|hx-put|hx-delete)="/')
SPELLED_REDIRECT = re.compile(r'RedirectResponse\(f?"/')


def test_every_route_is_named_after_its_capability_and_names_are_unique(app: FastAPI) -> None:
    prefixes = tuple(f"{capability.name}." for capability in capabilities.CAPABILITIES)
    names = [
        context.original_route.name
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.path != "/api/v1/health"
    ]
    assert names and all(name.startswith(prefixes) for name in names), [
        name for name in names if not name.startswith(prefixes)
    ]
    assert [name for name, count in Counter(names).items() if count > 1] == []


def test_no_template_spells_an_internal_path() -> None:
    templates = [
        *PACKAGE.glob("*/templates/**/*.html"),
        *(PACKAGE / "platform" / "web" / "templates").rglob("*.html"),
    ]
    spelled = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SPELLED_PATH.search(line)
    ]
    assert templates and spelled == []


def test_no_redirect_spells_an_internal_path() -> None:
    spelled = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SPELLED_REDIRECT.search(line)
    ]
    assert spelled == []


def test_a_named_path_is_the_path_the_pages_always_had(app: FastAPI) -> None:
    assert app.url_path_for("catalog.control_page", key="k", version="1.0", control_id="gv-1") == (
        "/catalogs/k/1.0/controls/gv-1"
    )
