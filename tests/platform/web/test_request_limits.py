"""The app refuses an oversized request body before authentication, while the client is still
sending (OWASP ASVS 5.0 V5 "Validation", RFC 9110 §15.5.14 413 Content Too Large), over real HTTP
to the app served by uvicorn on both databases."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx2

from cyberdelta.platform.settings import Settings

CHUNK = 64 * 1024


@dataclass
class Counting:
    """A body of ``total`` bytes that counts how much of it the client actually sent."""

    total: int
    sent: int = 0

    def __iter__(self) -> Iterator[bytes]:
        chunk = b"x" * CHUNK
        while self.sent < self.total:
            piece = chunk[: self.total - self.sent]
            self.sent += len(piece)
            yield piece


def test_an_anonymous_chunked_300_mb_taxii_post_is_cut_off_long_before_its_end(live_server: str) -> None:
    body = Counting(300 * 1000 * 1000)
    response = httpx2.post(
        f"{live_server}/taxii2/api/collections/00000000-0000-4000-8000-000000000000/objects/",
        content=iter(body),
        headers={"Content-Type": "application/taxii+json;version=2.1"},
        timeout=60,
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/taxii+json")
    assert body.sent < body.total // 4


def test_a_200_mb_json_body_to_the_sign_in_is_refused_before_a_byte_of_it_is_read(
    live_server: str, settings: Settings
) -> None:
    """Only the request head is sent: the 413 comes back without the server waiting for the body."""
    address = urlsplit(live_server)
    head = (
        "POST /auth/sign-in/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {200 * 1000 * 1000}\r\n\r\n"
    ).encode()
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(head)
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    assert b" 413 " in status_line


def test_a_400_mb_multipart_upload_is_cut_off_at_the_upload_limit(
    live_server: str, settings: Settings
) -> None:
    boundary = "cyberdeltaboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body = Counting(400 * 1000 * 1000)

    def parts() -> Iterator[bytes]:
        yield head
        yield from body

    response = httpx2.post(
        f"{live_server}/assessment/1/evidence",
        content=parts(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=60,
    )
    assert response.status_code == 413
    assert body.sent < settings.max_upload_bytes * 2
