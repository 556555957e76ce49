"""The platform admin's page: every organisation, and creating one with its first admin's invitation.

The platform admin manages tenants but sees no assessment content (docs/accounts.md, "Roles and what each
may do").
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.actor import actor_of
from cyberdelta.platform.web.deps import SessionDep, SettingsDep
from cyberdelta.platform.web.templating import render
from cyberdelta.tenancy import administration, service
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal
from cyberdelta.tenancy.service import TenancyError

router = APIRouter(prefix="/admin/organisations", include_in_schema=False)
Operator = Annotated[Principal, Depends(require(Permission.ORGANISATIONS_MANAGE))]


def _page(
    request: Request, session: SessionDep, *, link: str | None = None, error: str | None = None
) -> HTMLResponse:
    context = {
        "organisations": service.list_organisations(session),
        "kinds": [kind.value for kind in OrganisationKind],
        "link": link,
        "error": error,
    }
    return render(request, "admin/organisations.html", context, status_code=400 if error else 200)


@router.get("", response_class=HTMLResponse)
def organisations(request: Request, session: SessionDep, principal: Operator) -> HTMLResponse:
    return _page(request, session)


@router.post("", response_class=HTMLResponse)
def create(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Operator,
    slug: Annotated[str, Form(max_length=64)],
    kind: Annotated[str, Form(max_length=20)],
    name_ja: Annotated[str, Form(max_length=200)],
    name_en: Annotated[str, Form(max_length=200)],
    admin_email: Annotated[str, Form(max_length=254)],
) -> HTMLResponse:
    try:
        _organisation, _invitation, url = administration.found_organisation(
            session,
            settings,
            actor_of(request, principal),
            slug=slug.strip(),
            kind=kind,
            name_ja=name_ja,
            name_en=name_en,
            admin_email=admin_email,
        )
    except TenancyError as error:
        return _page(request, session, error=str(error))
    return _page(request, session, link=url)
