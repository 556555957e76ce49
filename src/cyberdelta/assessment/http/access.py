"""Helpers shared by the assessment routes: the acting organisation, 404 for other tenants' objects,
permission dependencies as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException
from sqlalchemy.orm import Session

from cyberdelta.assessment import service
from cyberdelta.assessment.models import Assessment
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.web.access import require
from cyberdelta.tenancy.models import User
from cyberdelta.tenancy.permissions import Permission
from cyberdelta.tenancy.principal import Principal

Reader = Annotated[Principal, Depends(require(Permission.ASSESSMENT_READ))]
Writer = Annotated[Principal, Depends(require(Permission.ASSESSMENT_WRITE))]
Approver = Annotated[Principal, Depends(require(Permission.ASSESSMENT_SIGN_OFF))]
Exporter = Annotated[Principal, Depends(require(Permission.DATA_EXPORT))]
Reviewer = Annotated[Principal, Depends(require(Permission.ASSESSMENT_REVIEW))]


def organisation_of(principal: Principal) -> int:
    if principal.organisation_id is None:
        raise HTTPException(status_code=403, detail=_("Choose the organisation you act for first."))
    return principal.organisation_id


def load(session: Session, principal: Principal, assessment_id: int) -> Assessment:
    """The acting organisation's assessment, or 404 (another organisation's looks absent)."""
    return service.get_assessment(session, organisation_of(principal), assessment_id)


def user_name(session: Session, principal: Principal) -> str | None:
    if principal.user_id is None:
        return None
    user = session.get(User, principal.user_id)
    return (user.display_name or user.email) if user is not None else None
