"""The session cookie: Secure, HttpOnly, SameSite=Lax, ``__Host-`` prefixed over https (RFC 6265bis)."""

from __future__ import annotations

from starlette.responses import Response

from cyberdelta.auth.sessions import cookie_name
from cyberdelta.platform.settings import Settings


def set_session_cookie(response: Response, settings: Settings, raw: str) -> None:
    # Lax, not Strict: a member following an e-mailed link must arrive signed in; every
    # state-changing request is also checked for a CSRF token.
    response.set_cookie(
        cookie_name(settings),
        raw,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        cookie_name(settings), path="/", secure=settings.cookie_secure, httponly=True, samesite="lax"
    )
