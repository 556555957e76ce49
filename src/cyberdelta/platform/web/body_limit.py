"""Request-body size limits per route class, enforced before authentication, as pure ASGI middleware.

OWASP ASVS 5.0 V5.2.1 asks that the application accept only files of a size it can process without
loss of performance or denial of service, and V15.2.2 (L2) for defences against loss of availability
through resource-demanding functionality. Reading a request body is such a function: this middleware
sits outside every authentication dependency, so an anonymous caller cannot make the server buffer
more than the limit of the route class the request falls in.

How a limit is enforced, without ever reading the whole body first:

* A ``Content-Length`` larger than the limit is answered **413 Content Too Large** (RFC 9110
  §15.5.14) at once: the application is not called and not one byte of the body is read. The
  answer carries ``Connection: close`` (RFC 9112 §9.6), so the server closes the connection
  instead of reading and discarding the rest (uvicorn does not send ``100 Continue`` either, as the
  body is never asked for).
* Every body, with or without a length (``Transfer-Encoding: chunked``), is counted as the
  application asks for it through ``receive``. The moment the count passes the limit the 413 is
  sent, the chunk that crossed the limit is *not* handed to the application (it has seen at most
  ``limit`` bytes), :class:`BodyTooLargeError` is raised from its ``receive`` call, every later
  ``receive`` answers ``http.disconnect`` and whatever the application sends afterwards is dropped.
  The server reads from the socket only as the application consumes the body (uvicorn pauses
  reading beyond a small buffer), so the rest of the body is never read. (FastAPI turns any error
  while it reads a JSON or form body into a 400; that answer is among what is dropped.)
* If the application had already *started* its response when the limit was passed, a 413 can no
  longer be sent: :class:`BodyTooLargeError` is then re-raised out of the middleware, so the
  server aborts the connection (uvicorn closes it and logs the exception) rather than completing a
  response that would look whole to the client.

Limits are chosen per route class by path prefix, optionally narrowed by method and media type, from
a configurable table (:class:`BodyLimits`; the first matching :class:`BodyLimitRule` wins, else the
default). :func:`standard_limits` builds CyberDelta's table: JSON API and ``/auth/`` small (1 MiB),
TAXII 2.1 POSTs (Add Objects envelopes) ``intel_max_content_length``, multipart uploads on the
upload pages ``max_upload_bytes`` plus a little for the multipart framing and form fields (the
routes keep their own exact per-file check with a friendlier form error), 1 MiB for everything
else.

The 413 body names the limit in bytes and MiB, in English and Japanese:

* under ``/taxii2/``: a TAXII 2.1 error message (TAXII 2.1 §3.6.1) ``{"title", "description",
  "http_status": "413", "details"}`` as ``application/taxii+json;version=2.1``;
* under ``/api/``: ``{"detail", "detail_ja", "limit_bytes"}`` as ``application/json`` (the API's
  ``{"detail"}`` error shape with two more members);
* elsewhere: a short ``text/plain; charset=utf-8`` text (nothing from the request is echoed).

``create_app`` adds it outside routing and authentication (Starlette runs the middleware added
last first; only the security-header middleware wraps it, so a 413 carries those headers too), with
:func:`standard_limits` built from the settings and the upload paths the capabilities' manifests
declare (:attr:`cyberdelta.platform.capability.Capability.upload_paths`).

Paths are matched against ``scope["path"]`` (which includes any ``root_path``). The module imports
only the standard library and Starlette.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KiB = 1024
MiB = 1024 * KiB

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
DEFAULT_TAXII_PREFIXES = ("/taxii2/",)
DEFAULT_JSON_PREFIXES = ("/api/",)
# Pages taking multipart uploads: assessment workbook import and evidence, intel bundle import.
DEFAULT_UPLOAD_PREFIXES: tuple[str, ...] = ()
# Boundaries, part headers and the small form fields sent with a file.
MULTIPART_OVERHEAD = 64 * KiB

_DIGITS = re.compile(r"[0-9]+")
# More digits than any limit can have: such a length is over every limit (and int() of thousands
# of digits is itself slow, which is why Python caps it).
_MAX_LENGTH_DIGITS = 18
OVER_EVERY_LIMIT: int = 10**_MAX_LENGTH_DIGITS


class BodyTooLargeError(Exception):
    """The request body passed ``limit`` bytes; raised from the application's ``receive``."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class BodyLimitRule:
    """One route class: a path prefix, optionally narrowed to methods and media types.

    ``methods`` are upper case (``"POST"``) and ``media_types`` lower case without parameters
    (``"multipart/form-data"``); empty means any. ``name`` is for the operator (logs, tests).
    """

    name: str
    prefix: str
    limit: int
    methods: frozenset[str] = field(default_factory=frozenset)
    media_types: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.limit < 0:
            raise ValueError(f"rule {self.name!r}: the limit must not be negative")
        if not self.prefix.startswith("/"):
            raise ValueError(f"rule {self.name!r}: the prefix must start with '/'")
        if any(method != method.upper() for method in self.methods):
            raise ValueError(f"rule {self.name!r}: methods must be upper case")
        if any(kind != kind.lower() or ";" in kind for kind in self.media_types):
            raise ValueError(f"rule {self.name!r}: media types must be lower case, without parameters")

    def matches(self, path: str, method: str, media_type: str) -> bool:
        return (
            path.startswith(self.prefix)
            and (not self.methods or method in self.methods)
            and (not self.media_types or media_type in self.media_types)
        )


@dataclass(frozen=True)
class BodyLimits:
    """The table of route classes: the first rule that matches gives the limit, else ``default``."""

    rules: tuple[BodyLimitRule, ...]
    default: int

    def __post_init__(self) -> None:
        if self.default < 0:
            raise ValueError("the default limit must not be negative")

    def choose(self, path: str, method: str, content_type: str | None) -> BodyLimitRule | None:
        """The rule for a request, or None when the default applies."""
        kind = media_type(content_type)
        return next((rule for rule in self.rules if rule.matches(path, method, kind)), None)

    def limit_for(self, path: str, method: str, content_type: str | None) -> int:
        rule = self.choose(path, method, content_type)
        return self.default if rule is None else rule.limit


def media_type(content_type: str | None) -> str:
    """``multipart/form-data; boundary=x`` → ``multipart/form-data`` (RFC 9110 §8.3.1)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def standard_limits(
    *,
    max_upload_bytes: int,
    taxii_max_content_length: int,
    api_limit: int = MiB,
    auth_limit: int = MiB,
    default: int = MiB,
    upload_prefixes: Iterable[str] = DEFAULT_UPLOAD_PREFIXES,
) -> BodyLimits:
    """CyberDelta's route classes; the order matters (first match wins).

    ``/auth/`` comes first so that no media type can buy an anonymous caller a larger limit there;
    multipart uploads get the larger limit only on the pages that take files.
    """
    upload = max_upload_bytes + MULTIPART_OVERHEAD
    rules = [
        BodyLimitRule("auth", "/auth/", auth_limit),
        BodyLimitRule("taxii-post", "/taxii2/", taxii_max_content_length, methods=frozenset({"POST"})),
        *(
            BodyLimitRule(
                f"upload:{prefix}",
                prefix,
                upload,
                methods=frozenset({"POST"}),
                media_types=frozenset({"multipart/form-data"}),
            )
            for prefix in upload_prefixes
        ),
        BodyLimitRule("api", "/api/", api_limit),
    ]
    return BodyLimits(tuple(rules), default)


def declared_length(headers: Headers) -> int | None:
    """The ``Content-Length`` (RFC 9110 §8.6) when it is one decimal number, else None.

    A malformed header is left to the server (uvicorn/h11 answers 400); the body is still counted.
    A number with more digits than any limit is returned as a length over every limit.
    """
    value = headers.get("content-length")
    if value is None:
        return None
    value = value.strip()
    if not _DIGITS.fullmatch(value):
        return None
    if len(value.lstrip("0")) > _MAX_LENGTH_DIGITS:
        return OVER_EVERY_LIMIT
    return int(value)


def _size(limit: int) -> tuple[str, str]:
    mib = f"{limit / MiB:.1f}".removesuffix(".0")
    return f"{limit:,} bytes ({mib} MiB)", f"{limit:,} バイト ({mib} MiB)"


def messages(limit: int) -> tuple[str, str]:
    """The 413 message in English and Japanese, naming the limit."""
    english, japanese = _size(limit)
    return (
        f"The request body is larger than the limit of {english} for this address.",
        f"リクエスト本文がこのアドレスの上限 {japanese} を超えています。",
    )


def too_large_response(
    path: str,
    limit: int,
    *,
    taxii_prefixes: tuple[str, ...] = DEFAULT_TAXII_PREFIXES,
    json_prefixes: tuple[str, ...] = DEFAULT_JSON_PREFIXES,
) -> tuple[str, bytes]:
    """The media type and body of the 413 for a path (TAXII error message, API JSON, or text)."""
    english, japanese = messages(limit)
    if path.startswith(taxii_prefixes):
        document: dict[str, object] = {
            "title": "Request Entity Too Large",
            "description": english,
            "http_status": "413",
            "details": {"limit_bytes": limit, "description_ja": japanese},
        }
        return TAXII_MEDIA_TYPE, json.dumps(document, ensure_ascii=False).encode()
    if path.startswith(json_prefixes):
        document = {"detail": english, "detail_ja": japanese, "limit_bytes": limit}
        return "application/json", json.dumps(document, ensure_ascii=False).encode()
    return "text/plain; charset=utf-8", f"413 Content Too Large\n\n{english}\n{japanese}\n".encode()


class BodyLimitMiddleware:
    """Answers 413 to a request whose body passes its route class's limit (see the module text)."""

    def __init__(
        self,
        app: ASGIApp,
        limits: BodyLimits,
        *,
        taxii_prefixes: tuple[str, ...] = DEFAULT_TAXII_PREFIXES,
        json_prefixes: tuple[str, ...] = DEFAULT_JSON_PREFIXES,
    ) -> None:
        self.app = app
        self.limits = limits
        self.taxii_prefixes = taxii_prefixes
        self.json_prefixes = json_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope["path"]
        limit = self.limits.limit_for(path, scope["method"], headers.get("content-type"))
        declared = declared_length(headers)
        if declared is not None and declared > limit:
            await self.refuse(send, path, limit)
            return
        guard = _Guard(self, receive, send, path, limit)
        try:
            await self.app(scope, guard.receive, guard.send)
        except Exception as error:
            if guard.exceeded and not guard.app_started and _only_too_large(error):
                return  # the 413 has been sent; the application merely unwound
            raise
        if guard.exceeded and guard.app_started:
            # The application swallowed the exception and finished a response that lacks the body's
            # end: abort the connection rather than let it pass as complete.
            raise BodyTooLargeError(limit)

    async def refuse(self, send: Send, path: str, limit: int) -> None:
        kind, body = too_large_response(
            path, limit, taxii_prefixes=self.taxii_prefixes, json_prefixes=self.json_prefixes
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    (b"cache-control", b"no-store"),
                    (b"x-content-type-options", b"nosniff"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})


def _only_too_large(error: Exception) -> bool:
    """The exception is ours, possibly wrapped in an exception group by a task group."""
    if isinstance(error, BodyTooLargeError):
        return True
    if isinstance(error, BaseExceptionGroup):
        _, rest = error.split(BodyTooLargeError)
        return rest is None
    return False


class _Guard:
    """The ``receive`` and ``send`` handed to the application for one request."""

    def __init__(
        self, middleware: BodyLimitMiddleware, receive: Receive, send: Send, path: str, limit: int
    ) -> None:
        self.middleware = middleware
        self.downstream_receive = receive
        self.downstream_send = send
        self.path = path
        self.limit = limit
        self.received = 0
        self.exceeded = False
        self.app_started = False

    async def receive(self) -> Message:
        if self.exceeded:
            return {"type": "http.disconnect"}
        message = await self.downstream_receive()
        if message["type"] != "http.request":
            return message
        self.received += len(message.get("body", b""))
        if self.received > self.limit:
            self.exceeded = True
            if not self.app_started:
                await self.middleware.refuse(self.downstream_send, self.path, self.limit)
            raise BodyTooLargeError(self.limit)
        return message

    async def send(self, message: Message) -> None:
        if self.exceeded:
            return  # our 413 is the answer, or the connection is about to be aborted
        if message["type"] == "http.response.start":
            self.app_started = True
        await self.downstream_send(message)
