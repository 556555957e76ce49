"""Who is calling: an API token (RFC 6750 bearer) or a session cookie (docs/accounts.md,
"Sessions" and "API tokens"), installed on the app as the platform's
:class:`~cyberdelta.platform.web.access.Authenticator`."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from cyberdelta.auth import sessions
from cyberdelta.auth.models import AuthSession
from cyberdelta.auth.tokens import authenticate_api_token
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.permissions import STEP_UP_PERMISSIONS, Permission
from cyberdelta.tenancy.principal import Principal


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class AccountsAuthenticator:
    """API tokens first, then the session cookie; the session row is kept on ``request.state``."""

    def resolve(self, request: Request, db: Session, settings: Settings) -> Principal | None:
        raw_token = bearer(request)
        if raw_token is not None:
            principal = authenticate_api_token(db, raw_token)
            if principal is None:
                raise HTTPException(
                    status_code=401,
                    detail=_("Authorization: the API token is unknown, expired or revoked"),
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            return principal
        row = sessions.resolve_session(db, settings, request.cookies.get(sessions.cookie_name(settings)))
        if row is None:
            return None
        request.state.auth_session = row
        return sessions.principal_for(db, row)

    def is_stepped_up(self, request: Request, settings: Settings) -> bool:
        row: AuthSession | None = request.state.auth_session
        return row is not None and sessions.is_stepped_up(row, settings)

    def needs_step_up(self, permission: Any) -> bool:
        return permission in STEP_UP_PERMISSIONS

    def step_up_purpose(self, permission: Any) -> str:
        return step_up_purpose(permission)


def step_up_purpose(permission: Any) -> str:
    """What an action behind a step-up commits (the step-up page says it before the passkey)."""
    purposes = {
        Permission.ASSESSMENT_SIGN_OFF: _(
            "You are signing off your organisation's self-assessment: it is submitted to the FSA "
            "under your name and can no longer be changed."
        ),
        Permission.ASSESSMENT_REVIEW: _(
            "You are acting as the supervisor: opening a cycle, accepting or returning a submission, "
            "or sending reminders."
        ),
        Permission.DATA_EXPORT: _("You are exporting your organisation's data."),
        Permission.MEMBERS_MANAGE: _("You are changing who belongs to your organisation or their roles."),
        Permission.TOKENS_MANAGE: _("You are creating or revoking an API token of your organisation."),
        Permission.SIGNING_MANAGE: _(
            "You are proposing or approving a change to your wallets or signing policy."
        ),
    }
    return purposes.get(permission, _("This action commits your organisation."))
