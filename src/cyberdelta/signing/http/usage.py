"""What the self-assessment shows of the signing guard (docs/signing.md, "In the self-assessment").

The controls that ask a firm to verify independently what it signs (cx-2.x of the built-in catalog)
show whether the firm's wallet team checks transactions here and how many checks blocked. The
assessment does not import this capability: its control template calls the template global
``signing_usage(control_id)`` when the manifest provides it, which places a fragment that
``GET /signing/usage`` fills from the organisation's own check records.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import pass_context
from markupsafe import Markup

from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.platform.web.deps import SessionDep
from cyberdelta.platform.web.templating import render
from cyberdelta.platform.web.urls import path_for
from cyberdelta.signing.check_records import usage
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

SIGNING_CONTROLS = "cx-2."  # the catalog's "verify what is signed" controls
pages = APIRouter(prefix="/signing", include_in_schema=False)
Reader = Annotated[Principal, Depends(require(Permission.ASSESSMENT_READ))]


@pages.get("/usage", response_class=HTMLResponse)
def usage_fragment(request: Request, session: SessionDep, principal: Reader) -> HTMLResponse:
    """The organisation's count of checks and blocks, as a fragment of the assessment workspace."""
    found = usage(session, principal.organisation_id or 0)
    return render(
        request,
        "signing/_usage.html",
        {"usage": found, "may_check": principal.has(Permission.SIGNING_CHECK)},
    )


@pass_context
def signing_usage(context: Any, control_id: str) -> Markup:
    """For a cx-2.x control, a placeholder the workspace fills from ``GET /signing/usage``."""
    if not control_id.startswith(SIGNING_CONTROLS):
        return Markup("")
    # Markup.format escapes its arguments.
    return Markup(
        '<p class="signing-usage" hx-get="{target}" hx-trigger="load" hx-swap="outerHTML">'
        '<a href="{target}">{label}</a></p>'
    ).format(
        target=path_for(context["request"], "signing.usage_fragment"),
        label=_("Signing guard: checks and blocks recorded"),
    )
