"""Per-request language, request id and security headers, as pure ASGI middleware.

Language: the ``cd_lang`` cookie (set by the switch), then ``Accept-Language`` (RFC 9110 §12.5.4),
then the deployment default. Headers: a Content-Security-Policy that allows no inline script,
no framing, no MIME sniffing, no referrer leakage; HSTS when served over TLS.

Request id: a client's ``X-Request-ID`` is kept when it is a short token (it is stored in the audit
trail, whose column holds 100 characters), otherwise a new one is made; either way it is echoed.

Both wrap only ``send`` (Starlette's guidance for middleware that adjusts response headers):
``BaseHTTPMiddleware`` runs the rest of the application in a second task and copies every response
through a memory stream, which cost about a millisecond per request and per middleware.
"""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cyberdelta.platform import i18n
from cyberdelta.platform.settings import Language

LANGUAGE_COOKIE = "cd_lang"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = "max-age=63072000; includeSubDomains"
# Letters, digits and the separators of UUIDs, trace ids and the like; at most 100 characters.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def cookie_language(cookie_header: str | None) -> Language | None:
    """The language chosen with the switch (``cd_lang`` cookie), parsed as Starlette parses cookies."""
    if not cookie_header or LANGUAGE_COOKIE not in cookie_header:
        return None
    return i18n.parse_language(cookie_parser(cookie_header).get(LANGUAGE_COOKIE))


def request_language(headers: Headers, default: Language) -> Language:
    return cookie_language(headers.get("cookie")) or i18n.negotiate(headers.get("accept-language")) or default


def request_id(presented: str | None) -> str:
    """The client's request id when it is a short token, else a new one."""
    if presented is not None and REQUEST_ID.fullmatch(presented):
        return presented
    return uuid.uuid4().hex


class LanguageMiddleware:
    """Sets the request's language (``request.state.language`` and the i18n context) and answers
    with ``Content-Language`` (RFC 9110 §8.5) unless the route set it."""

    def __init__(self, app: ASGIApp, default: Language) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = request_language(Headers(scope=scope), self.default)
        scope.setdefault("state", {})["language"] = language
        i18n.set_language(language)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).setdefault("Content-Language", language)
            await send(message)

        await self.app(scope, receive, send_with_language)


STATIC_PREFIX = "/static/"


class SecurityHeadersMiddleware:
    """Gives every response the security headers (unless a route set its own) and the request id.

    Every response but the static assets is ``Cache-Control: no-store`` unless its route says
    otherwise (OWASP ASVS 5.0 V14.3 "Client-side data protection"): assessment pages, exports,
    evidence, PDFs and positions must not be kept by a shared or browser cache."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        identifier = request_id(Headers(scope=scope).get("x-request-id"))
        scope.setdefault("state", {})["request_id"] = identifier
        secure = scope.get("scheme") == "https"
        cacheable = str(scope.get("path", "")).startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
                headers["X-Request-ID"] = identifier
                if secure:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if not cacheable:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
