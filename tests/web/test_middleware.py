"""Every response: security headers, the request id, and the language (cyberdelta.platform.web.middleware)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.intel.http.media import TAXII
from cyberdelta.platform.audit.models import AuditEntry
from cyberdelta.platform.web.middleware import CONTENT_SECURITY_POLICY, request_id
from tests.intel.stix_factories import ROOT, Hub, envelope, indicator, make_hub, taxii_headers


def objects_url(hub: Hub) -> str:
    return f"{ROOT}/collections/{hub.collection_id}/objects/"


def audited_request_ids(factory: sessionmaker[Session]) -> list[str | None]:
    with factory() as session:
        query = select(AuditEntry.request_id).where(AuditEntry.action == "intel.publish")
        return list(session.scalars(query))


PATHS = ("/", "/catalog", "/taxii2/", "/no-such-page", "/api/v1/health")


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers_and_a_request_id(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html" if path != "/taxii2/" else TAXII})
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert len(response.headers["x-request-id"]) == 32
    assert "strict-transport-security" not in response.headers


def test_strict_transport_security_is_sent_over_tls_only(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as secure:
        assert secure.get("/").headers["strict-transport-security"].startswith("max-age=63072000")


def test_a_short_client_request_id_is_echoed_and_audited(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    headers = {**taxii_headers(hub.publisher), "X-Request-ID": "trace-4bf92f35.77:01"}
    response = client.post(objects_url(hub), json=envelope([indicator()]), headers=headers)
    assert response.status_code == 202
    assert response.headers["x-request-id"] == "trace-4bf92f35.77:01"
    assert audited_request_ids(session_factory) == ["trace-4bf92f35.77:01"]


@pytest.mark.parametrize("presented", ["x" * 101, "two words", "<script>", "../../etc", ""])
def test_an_unusable_client_request_id_is_replaced_and_the_write_still_succeeds(
    client: TestClient, session_factory: sessionmaker[Session], presented: str
) -> None:
    hub = make_hub(session_factory)
    headers = {**taxii_headers(hub.publisher), "X-Request-ID": presented}
    response = client.post(objects_url(hub), json=envelope([indicator()]), headers=headers)
    assert response.status_code == 202, response.text
    assigned = response.headers["x-request-id"]
    assert assigned != presented and len(assigned) == 32
    assert audited_request_ids(session_factory) == [assigned]


def test_request_ids_are_tokens_of_at_most_100_characters() -> None:
    assert request_id("a" * 100) == "a" * 100
    assert request_id("a" * 101) != "a" * 101
    assert request_id("") != ""
    assert len(request_id(None)) == 32


def test_the_language_cookie_wins_over_accept_language(client: TestClient) -> None:
    response = client.get("/", headers={"Accept-Language": "ja", "Cookie": "cd_lang=en"})
    assert response.headers["content-language"] == "en"
    assert '<html lang="en"' in response.text


def test_accept_language_chooses_when_there_is_no_cookie(client: TestClient) -> None:
    assert client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).headers["content-language"] == "en"
    assert client.get("/", headers={"Accept-Language": "ja-JP"}).headers["content-language"] == "ja"


def test_a_malformed_cookie_header_falls_back_to_accept_language(client: TestClient) -> None:
    response = client.get("/", headers={"Accept-Language": "en", "Cookie": 'cd_lang="; =;;broken'})
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"


def test_error_messages_follow_the_language(client: TestClient) -> None:
    english = client.get("/no-such-page", headers={"Accept": "text/html", "Cookie": "cd_lang=en"})
    japanese = client.get("/no-such-page", headers={"Accept": "text/html", "Cookie": "cd_lang=ja"})
    assert english.status_code == japanese.status_code == 404
    assert "The page was not found." in english.text
    assert "The page was not found." not in japanese.text


@pytest.mark.parametrize("path", ["/", "/account", "/api/v1/health", "/taxii2/", "/no/such/page"])
def test_no_response_but_static_assets_may_be_cached(client: TestClient, path: str) -> None:
    assert client.get(path, follow_redirects=False).headers["cache-control"] == "no-store"


def test_static_assets_may_be_cached(client: TestClient) -> None:
    assert "no-store" not in client.get("/static/style.css").headers.get("cache-control", "")
