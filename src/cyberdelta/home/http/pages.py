"""Pages that belong to no single capability: home, language switch, health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdelta.catalog import service as catalog_service
from cyberdelta.home import todo
from cyberdelta.platform import i18n
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.middleware import LANGUAGE_COOKIE
from cyberdelta.platform.web.navigation import safe_next
from cyberdelta.platform.web.templating import render
from cyberdelta.tenancy.http.access import CurrentPrincipal

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, principal: CurrentPrincipal) -> HTMLResponse:
    """The landing page; for a signed-in member, their to-do list (:mod:`cyberdelta.home.todo`)."""
    view = todo.home_for(session, principal, utcnow().date()) if principal and principal.user_id else None
    context = {"versions": catalog_service.list_versions(session), "view": view}
    return render(request, "home.html", context)


@router.get("/lang/{code}")
def switch_language(code: str, next: Annotated[str | None, Query()] = None) -> Response:
    language = i18n.parse_language(code)
    response = RedirectResponse(safe_next(next), status_code=303)
    if language is not None:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response
