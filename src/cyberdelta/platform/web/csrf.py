"""CSRF tokens (OWASP CSRF Prevention Cheat Sheet: synchronizer token, HMAC-based).

The token is the HMAC-SHA256 of the session cookie (or, before sign-in, of a random
``cd_csrf`` cookie) under the deployment secret. Forms carry it as ``csrf_token``; scripts send
it in the ``X-CSRF-Token`` header. SameSite cookies are a second line of defence.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cyberdelta.platform.cookies import session_cookie_name
from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.secrets import keyed_digest, new_token, same
from cyberdelta.platform.settings import Settings

ANONYMOUS_COOKIE = "cd_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """The token for the current visitor (rendered into every form and the page's meta tag)."""
    settings: Settings = request.app.state.settings
    secret = settings.resolved_secret_key()
    session_cookie = request.cookies.get(session_cookie_name(settings))
    if session_cookie:
        return keyed_digest(secret, "session:" + session_cookie)
    anonymous = request.cookies.get(ANONYMOUS_COOKIE) or getattr(request.state, "anonymous_csrf", None)
    if anonymous is None:
        anonymous = new_token()
        request.state.anonymous_csrf = anonymous
    return keyed_digest(secret, "anonymous:" + anonymous)


async def check_csrf(request: Request, settings: Settings) -> None:
    """Refuse a state-changing request whose token is missing or wrong (403)."""
    presented = request.headers.get(HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(FIELD)
        presented = value if isinstance(value, str) else None
    if not presented or not same(presented, csrf_token(request)):
        raise HTTPException(status_code=403, detail=_("csrf_token: the form is missing its security token"))


class CsrfCookieMiddleware:
    """Sets the anonymous ``cd_csrf`` cookie when a page minted one (pure ASGI, streams untouched)."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_cookie(message: Message) -> None:
            minted = state.get("anonymous_csrf")
            if message["type"] == "http.response.start" and minted:
                cookie = SimpleCookie()
                cookie[ANONYMOUS_COOKIE] = minted
                cookie[ANONYMOUS_COOKIE]["path"] = "/"
                cookie[ANONYMOUS_COOKIE]["httponly"] = True
                cookie[ANONYMOUS_COOKIE]["samesite"] = "Strict"
                if self.secure:
                    cookie[ANONYMOUS_COOKIE]["secure"] = True
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", cookie.output(header="").strip())
            await send(message)

        await self.app(scope, receive, send_with_cookie)
