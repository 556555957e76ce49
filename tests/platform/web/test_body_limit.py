"""Request-body limits before authentication (cyberdelta.platform.web.body_limit), over real HTTP to uvicorn.

A tiny Starlette app sits behind the middleware, served by uvicorn on a loopback port; the requests
are real: raw sockets where the exact bytes on the wire matter, httpx otherwise.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
import uvicorn
from fastapi import FastAPI, File, UploadFile
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Message, Receive, Scope, Send

from cyberdelta.platform.web.body_limit import (
    MULTIPART_OVERHEAD,
    TAXII_MEDIA_TYPE,
    BodyLimitMiddleware,
    BodyLimitRule,
    BodyLimits,
    BodyTooLargeError,
    declared_length,
    messages,
    standard_limits,
    too_large_response,
)

MiB = 1024 * 1024
API_LIMIT = 1 * MiB
TAXII_LIMIT = 2 * MiB
DEFAULT_LIMIT = 64 * 1024
LIMITS = BodyLimits(
    (
        BodyLimitRule("taxii-post", "/taxii2/", TAXII_LIMIT, methods=frozenset({"POST"})),
        BodyLimitRule("api", "/api/", API_LIMIT),
    ),
    DEFAULT_LIMIT,
)
CHUNK = 64 * 1024
HUGE = 300 * 1000 * 1000  # the 300 MB a client offers to send


def run_in_own_loop(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run ``coroutine`` on an event loop of its own thread: a browser test earlier in the run may
    have left a loop running in this one, where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@dataclass
class Seen:
    """What the application behind the middleware was called with and how far it read."""

    calls: int = 0
    bytes_read: int = 0
    errors: list[str] = field(default_factory=list)


SEEN = Seen()


async def read_all(request: Request) -> Response:
    """Reads the body chunk by chunk and answers with its length and SHA-256."""
    SEEN.calls += 1
    digest = hashlib.sha256()
    length = 0
    try:
        async for chunk in request.stream():
            length += len(chunk)
            SEEN.bytes_read += len(chunk)
            digest.update(chunk)
    except BodyTooLargeError as error:
        SEEN.errors.append(type(error).__name__)
        raise
    return JSONResponse({"length": length, "sha256": digest.hexdigest()})


async def swallow(request: Request) -> Response:
    """A careless endpoint: it catches every error and answers 200 anyway."""
    SEEN.calls += 1
    try:
        await request.body()
    except Exception as error:
        SEEN.errors.append(type(error).__name__)
    return JSONResponse({"ok": True})


async def answer_first(scope: Scope, receive: Receive, send: Send) -> None:
    """Starts a streamed response, then reads the body and echoes how much it read."""
    SEEN.calls += 1
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"started\n", "more_body": True})
    try:
        while True:
            message = await receive()
            SEEN.bytes_read += len(message.get("body", b""))
            if not message.get("more_body", False):
                break
    except BodyTooLargeError as error:
        SEEN.errors.append(type(error).__name__)
        raise
    await send({"type": "http.response.body", "body": f"{SEEN.bytes_read}\n".encode(), "more_body": False})


APP = Starlette(
    routes=[
        Route("/api/swallow", swallow, methods=["POST"]),
        Mount("/api/answer-first", app=answer_first),
        Route("/{path:path}", read_all, methods=["POST", "PUT"]),
    ],
    middleware=[Middleware(BodyLimitMiddleware, limits=LIMITS)],
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    port = _free_port()
    served = uvicorn.Server(uvicorn.Config(APP, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not served.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield "127.0.0.1", port
    served.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def base_url(server: tuple[str, int]) -> Iterator[str]:
    SEEN.calls, SEEN.bytes_read, SEEN.errors = 0, 0, []
    yield f"http://{server[0]}:{server[1]}"


@dataclass
class Counting:
    """A generator body of ``total`` bytes that counts how much the client actually took from it."""

    total: int
    sent: int = 0

    def __iter__(self) -> Iterator[bytes]:
        chunk = b"x" * CHUNK
        while self.sent < self.total:
            piece = chunk[: self.total - self.sent]
            self.sent += len(piece)
            yield piece


def raw_exchange(server: tuple[str, int], request: bytes) -> tuple[int, Headers, bytes]:
    """Sends exactly ``request`` and reads until the server closes the connection."""
    with socket.create_connection(server, timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    pairs = [line.split(":", 1) for line in header_lines]
    headers = Headers(raw=[(name.strip().lower().encode(), value.strip().encode()) for name, value in pairs])
    return int(status_line.split()[1]), headers, body


def headers_only(path: str, length: int, content_type: str = "application/json") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


# --- bodies under the limit ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, API_LIMIT])
def test_a_body_up_to_the_limit_reaches_the_application_untouched(base_url: str, size: int) -> None:
    body = bytes(range(256)) * (size // 256) + b"z" * (size % 256)
    response = httpx2.post(f"{base_url}/api/items", content=body, timeout=30)
    assert response.status_code == 200
    assert response.json() == {"length": size, "sha256": hashlib.sha256(body).hexdigest()}


def test_a_chunked_body_under_the_limit_reaches_the_application_untouched(base_url: str) -> None:
    body = Counting(API_LIMIT)
    response = httpx2.post(f"{base_url}/api/items", content=iter(body), timeout=30)
    assert response.status_code == 200
    assert response.json() == {"length": API_LIMIT, "sha256": hashlib.sha256(b"x" * API_LIMIT).hexdigest()}


def test_each_route_class_has_its_own_limit(base_url: str) -> None:
    """A TAXII POST may carry more than the API allows; everything else gets the default."""
    taxii = httpx2.post(f"{base_url}/taxii2/root/collections/c/objects/", content=b"{" * TAXII_LIMIT)
    assert taxii.status_code == 200
    assert taxii.json()["length"] == TAXII_LIMIT
    assert httpx2.post(f"{base_url}/api/items", content=b"{" * (API_LIMIT + 1)).status_code == 413
    assert httpx2.post(f"{base_url}/org/form", content=b"a" * DEFAULT_LIMIT).status_code == 200
    assert httpx2.post(f"{base_url}/org/form", content=b"a" * (DEFAULT_LIMIT + 1)).status_code == 413


# --- Content-Length over the limit -----------------------------------------------------------------


def test_a_declared_length_over_the_limit_is_refused_before_any_body_byte_is_sent(
    server: tuple[str, int], base_url: str
) -> None:
    """Only the request head goes on the wire: the 413 comes back and the connection is closed."""
    status, headers, body = raw_exchange(server, headers_only("/api/items", API_LIMIT + 1))
    assert status == 413
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "detail": "The request body is larger than the limit of 1,048,576 bytes (1 MiB) for this address.",
        "detail_ja": "リクエスト本文がこのアドレスの上限 1,048,576 バイト (1 MiB) を超えています。",
        "limit_bytes": API_LIMIT,
    }
    assert SEEN.calls == 0


def test_expect_100_continue_with_a_length_over_the_limit_gets_the_413_instead_of_continue(
    server: tuple[str, int], base_url: str
) -> None:
    request = headers_only("/api/items", HUGE).replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n")
    status, _, _ = raw_exchange(server, request)
    assert status == 413
    assert SEEN.calls == 0


def test_taxii_gets_a_taxii_error_message(server: tuple[str, int], base_url: str) -> None:
    request = headers_only("/taxii2/root/collections/c/objects/", TAXII_LIMIT + 1, TAXII_MEDIA_TYPE)
    status, headers, body = raw_exchange(server, request)
    assert status == 413
    assert headers["content-type"] == TAXII_MEDIA_TYPE
    document = json.loads(body)
    assert document["http_status"] == "413"
    assert document["title"] == "Request Entity Too Large"
    assert "2,097,152 bytes (2 MiB)" in document["description"]
    assert document["details"] == {
        "limit_bytes": TAXII_LIMIT,
        "description_ja": "リクエスト本文がこのアドレスの上限 2,097,152 バイト (2 MiB) を超えています。",
    }


def test_pages_get_a_short_text_in_english_and_japanese(server: tuple[str, int], base_url: str) -> None:
    status, headers, body = raw_exchange(server, headers_only("/org/form", DEFAULT_LIMIT + 1, "text/plain"))
    assert status == 413
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    text = body.decode()
    assert "65,536 bytes (0.1 MiB)" in text
    assert "上限 65,536 バイト (0.1 MiB) を超えています" in text


# --- chunked bodies without a length ---------------------------------------------------------------


def test_a_chunked_300_mb_body_is_cut_off_and_not_read_to_the_end(base_url: str) -> None:
    """The 413 arrives while the client is still sending; the server stops reading.

    What the client manages to send before it notices is what fits in the loopback socket buffers
    (tens of MB at most with Linux autotuning), far from the 300 MB offered.
    """
    body = Counting(HUGE)
    response = httpx2.post(f"{base_url}/api/items", content=iter(body), timeout=30)
    assert response.status_code == 413
    assert response.json()["limit_bytes"] == API_LIMIT
    assert body.sent < HUGE // 4
    # The application saw no more than the limit and was told why its reading ended.
    assert SEEN.bytes_read <= API_LIMIT
    assert SEEN.errors == ["BodyTooLargeError"]


def test_an_application_that_swallows_the_error_cannot_replace_the_413(base_url: str) -> None:
    body = Counting(8 * MiB)
    response = httpx2.post(f"{base_url}/api/swallow", content=iter(body), timeout=30)
    assert response.status_code == 413
    assert SEEN.errors == ["BodyTooLargeError"]
    assert body.sent < body.total


def test_after_the_413_nothing_the_application_sends_reaches_the_server() -> None:
    """At the ASGI level (uvicorn would also refuse a second response, other servers may not)."""

    sent: list[Message] = []
    chunks = [b"a" * 600, b"b" * 600, b"c" * 600]

    async def receive() -> Message:
        body = chunks.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    async def send(message: Message) -> None:
        sent.append(message)

    middleware = BodyLimitMiddleware(
        Starlette(routes=[Route("/api/swallow", swallow, methods=["POST"])]), BodyLimits((), 1000)
    )
    scope: Scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/swallow", "raw_path": b"/api/swallow", "root_path": "",
        "query_string": b"", "headers": [(b"host", b"test")], "client": None, "server": None,
    }  # fmt: skip
    SEEN.errors = []
    run_in_own_loop(middleware(scope, receive, send))
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["limit_bytes"] == 1000
    assert SEEN.errors == ["BodyTooLargeError"]
    assert chunks == [b"c" * 600]  # the third chunk was never asked for


FASTAPI = FastAPI()


@FASTAPI.post("/api/json")
async def json_body(document: dict[str, str]) -> dict[str, int]:
    return {"fields": len(document)}


@FASTAPI.post("/assessment/1/import")
async def upload(file: UploadFile = File()) -> dict[str, int]:  # noqa: B008 - FastAPI's own idiom
    return {"size": len(await file.read())}


def multipart(size: int) -> tuple[bytes, bytes]:
    boundary = b"cyberdelta-boundary"
    body = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"z" * size + b"\r\n--" + boundary + b"--\r\n"
    )
    return body, b"multipart/form-data; boundary=" + boundary


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/api/json", b"application/json", b'{"a": "' + b"b" * 3000 + b'"}'),
        ("/assessment/1/import", *reversed(multipart(1000 + MULTIPART_OVERHEAD + 5000))),
    ],
)
def test_fastapi_reading_the_body_itself_still_answers_413(
    path: str, content_type: bytes, body: bytes
) -> None:
    """FastAPI turns any error while it reads a body into a 400; that answer must not replace the 413."""
    limits = standard_limits(
        max_upload_bytes=1000, taxii_max_content_length=1000, api_limit=1000, default=1000
    )
    limit = limits.limit_for(path, "POST", content_type.decode())
    middleware = BodyLimitMiddleware(FASTAPI, limits)
    pieces = [body[offset : offset + 500] for offset in range(0, len(body), 500)]
    given = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal given
        piece = pieces.pop(0)
        given += len(piece)
        return {"type": "http.request", "body": piece, "more_body": bool(pieces)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "headers": [(b"host", b"test"), (b"content-type", content_type)], "client": None, "server": None,
    }  # fmt: skip
    run_in_own_loop(middleware(scope, receive, send))
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413
    assert f"{limit:,}".encode() in sent[1]["body"]
    # Reading stopped with the piece that passed the limit; the rest was never asked for.
    assert limit < given <= limit + 500
    assert pieces


def test_when_the_response_has_started_the_connection_is_aborted_rather_than_completed(base_url: str) -> None:
    """A 413 can no longer be sent: the client must not receive what looks like a whole response."""
    body = Counting(HUGE)
    with pytest.raises((httpx2.RemoteProtocolError, httpx2.ReadError)):
        httpx2.post(f"{base_url}/api/answer-first/", content=iter(body), timeout=30)
    assert SEEN.errors == ["BodyTooLargeError"]
    assert SEEN.bytes_read <= API_LIMIT
    assert body.sent < HUGE // 4


def test_the_connection_is_not_reused_after_a_413(base_url: str) -> None:
    """The rest of the refused body must never be taken for the next request on the connection."""
    with httpx2.Client(base_url=base_url, timeout=30) as client:
        refused = client.post("/api/items", content=iter(Counting(2 * MiB)))
        assert refused.status_code == 413
        assert refused.headers["connection"] == "close"
        accepted = client.post("/api/items", content=b"next")
        assert accepted.status_code == 200
        assert accepted.json()["length"] == 4


# --- the table and the helpers ---------------------------------------------------------------------


def test_the_standard_table_chooses_by_prefix_method_and_media_type() -> None:
    limits = standard_limits(
        max_upload_bytes=50 * MiB,
        taxii_max_content_length=16 * MiB,
        upload_prefixes=("/assessment/", "/intel/import"),
    )
    upload = 50 * MiB + MULTIPART_OVERHEAD
    multipart = "multipart/form-data; boundary=x"
    assert limits.limit_for("/assessment/7/import", "POST", multipart) == upload
    assert limits.limit_for("/assessment/7/controls/GV.1/evidence", "POST", multipart) == upload
    assert limits.limit_for("/intel/import", "POST", "Multipart/Form-Data; boundary=y") == upload
    # The same page without a file, or another page with one: the default.
    assert limits.limit_for("/assessment/7/import", "POST", "application/x-www-form-urlencoded") == MiB
    assert limits.limit_for("/org/invitations", "POST", multipart) == MiB
    # No media type buys an anonymous caller more on the sign-in endpoints.
    assert limits.limit_for("/auth/sign-in/verify", "POST", multipart) == MiB
    assert limits.limit_for("/taxii2/root/collections/c/objects/", "POST", TAXII_MEDIA_TYPE) == 16 * MiB
    assert limits.limit_for("/taxii2/root/collections/c/objects/", "GET", None) == MiB
    assert limits.limit_for("/api/v1/tokens", "POST", "application/json") == MiB


def test_the_first_matching_rule_wins() -> None:
    limits = BodyLimits(
        (BodyLimitRule("narrow", "/a/b/", 10), BodyLimitRule("wide", "/a/", 20)),
        30,
    )
    assert limits.limit_for("/a/b/c", "POST", None) == 10
    assert limits.limit_for("/a/c", "POST", None) == 20
    assert limits.limit_for("/b", "POST", None) == 30
    assert limits.choose("/b", "POST", None) is None


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"limit": -1}, "negative"),
        ({"prefix": "api/"}, "start with '/'"),
        ({"methods": frozenset({"post"})}, "upper case"),
        ({"media_types": frozenset({"multipart/form-data; boundary=x"})}, "lower case"),
    ],
)
def test_a_rule_that_could_never_match_as_meant_is_refused(rule: dict[str, object], problem: str) -> None:
    arguments: dict[str, object] = {"name": "r", "prefix": "/api/", "limit": 1, **rule}
    with pytest.raises(ValueError, match=problem):
        BodyLimitRule(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("1048576", 1048576),
        (" 12 ", 12),
        ("000012", 12),
        ("9" * 5000, 10**18),
        ("12, 12", None),
        ("-1", None),
        ("0x10", None),
        ("\u00b2", None),  # SUPERSCRIPT TWO: str.isdigit() says yes, RFC 9110 says no
    ],
)
def test_declared_length(value: str, expected: int | None) -> None:
    assert declared_length(Headers({"content-length": value})) == expected


def test_without_content_length_nothing_is_declared() -> None:
    assert declared_length(Headers({})) is None


def test_the_message_names_the_limit_in_both_languages() -> None:
    english, japanese = messages(50 * MiB + MULTIPART_OVERHEAD)
    assert "52,494,336 bytes (50.1 MiB)" in english
    assert "52,494,336 バイト (50.1 MiB)" in japanese
    kind, body = too_large_response("/api/x", 10)
    assert kind == "application/json"
    assert json.loads(body)["limit_bytes"] == 10
