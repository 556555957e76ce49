"""Per-request language and security headers.

Language: the ``cd_lang`` cookie (set by the switch), then ``Accept-Language`` (RFC 9110 §12.5.4),
then the deployment default. Headers: a Content-Security-Policy that allows no inline script,
no framing, no MIME sniffing, no referrer leakage; HSTS when served over TLS.
"""

from __future__ import annotations

import uuid

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from cyberdelta import i18n
from cyberdelta.settings import Language

LANGUAGE_COOKIE = "cd_lang"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def request_language(request: Request, default: Language) -> Language:
    return (
        i18n.parse_language(request.cookies.get(LANGUAGE_COOKIE))
        or i18n.negotiate(request.headers.get("accept-language"))
        or default
    )


class LanguageMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: object, default: Language) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.default = default

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        language = request_language(request, self.default)
        request.state.language = language
        i18n.set_language(language)
        response = await call_next(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        request.state.request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        response = await call_next(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers["X-Request-ID"] = request.state.request_id
        if request.url.scheme == "https":
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
