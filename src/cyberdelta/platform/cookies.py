"""Names of the platform's cookies."""

from __future__ import annotations

from cyberdelta.platform.settings import Settings


def session_cookie_name(settings: Settings) -> str:
    """``__Host-`` binds the cookie to this exact origin over https (RFC 6265bis §4.1.3.2)."""
    return "__Host-cd_session" if settings.cookie_secure else "cd_session"
