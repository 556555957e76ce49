"""Pages that belong to no single capability: home, language switch, health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdelta.catalog import service as catalog_service
from cyberdelta.platform import i18n
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.middleware import LANGUAGE_COOKIE
from cyberdelta.platform.web.navigation import safe_next
from cyberdelta.platform.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "home.html", {"versions": catalog_service.list_versions(session)})


@router.get("/lang/{code}")
def switch_language(code: str, next: Annotated[str | None, Query()] = None) -> Response:
    language = i18n.parse_language(code)
    response = RedirectResponse(safe_next(next), status_code=303)
    if language is not None:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response
