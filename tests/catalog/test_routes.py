"""Catalog pages and JSON API over real HTTP (TestClient) on both databases."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from trestle.oscal.catalog import Catalog as TrestleCatalog

from cyberdelta.catalog import service
from tests.factories import as_bytes, small_catalog

LIMIT = 1024 * 1024


@pytest.fixture
def catalogs(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        service.import_catalog(session, as_bytes(small_catalog("1.0")), "v1.json", max_bytes=LIMIT)
        changed = small_catalog("1.1")
        changed["catalog"]["groups"][0]["controls"].append({"id": "ac-3", "title": "Access enforcement"})
        service.import_catalog(session, as_bytes(changed), "v2.json", max_bytes=LIMIT)


HTML = {"Accept": "text/html"}


@pytest.mark.usefixtures("catalogs")
def test_tree_shows_groups_with_counts_in_japanese(client: TestClient) -> None:
    response = client.get("/catalogs/small-test-catalog/1.1", headers={**HTML, "Accept-Language": "ja"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "ja"
    assert "アクセス管理" in response.text
    assert "4 件の管理策" in response.text
    assert "方針と手順" in response.text


@pytest.mark.usefixtures("catalogs")
def test_language_switch_is_remembered_by_the_browser(client: TestClient) -> None:
    switched = client.get("/lang/en?next=/catalogs/small-test-catalog/1.1", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/catalogs/small-test-catalog/1.1"
    page = client.get("/catalogs/small-test-catalog/1.1", headers=HTML)
    assert "Access control" in page.text and "4 controls" in page.text
    assert '<html lang="en">' in page.text


def test_language_switch_never_redirects_off_site(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/"


@pytest.mark.usefixtures("catalogs")
def test_control_page_shows_statement_level_and_links(client: TestClient) -> None:
    response = client.get(
        "/catalogs/small-test-catalog/1.0/controls/ac-1", headers={**HTML, "Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert "Define an access policy." in response.text
    assert "basic" in response.text


@pytest.mark.usefixtures("catalogs")
def test_unknown_catalog_or_control_is_a_friendly_404(client: TestClient) -> None:
    missing = client.get(
        "/catalogs/small-test-catalog/1.0/controls/zz-9", headers={**HTML, "Accept-Language": "ja"}
    )
    assert missing.status_code == 404
    assert "ページが見つかりません" in missing.text
    api = client.get("/api/v1/catalogs/nope/versions/1/oscal")
    assert api.status_code == 404
    assert api.json()["detail"]


@pytest.mark.usefixtures("catalogs")
def test_search_accepts_full_width_input(client: TestClient) -> None:
    response = client.get(
        "/catalogs/small-test-catalog/1.1/search",
        params={"q": "ＡＣ－３"},
        headers={**HTML, "Accept-Language": "en"},
    )
    assert "1 control matches" in response.text
    assert "/controls/ac-3" in response.text


@pytest.mark.usefixtures("catalogs")
def test_diff_page_lists_added_controls(client: TestClient) -> None:
    response = client.get(
        "/catalogs/small-test-catalog/diff/1.0/1.1", headers={**HTML, "Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert "Added (1)" in response.text and "ac-3" in response.text


@pytest.mark.usefixtures("catalogs")
def test_api_lists_versions_and_exports_valid_oscal(client: TestClient) -> None:
    listing = client.get("/api/v1/catalogs").json()
    assert [(row["key"], row["version"], row["control_count"]) for row in listing] == [
        ("small-test-catalog", "1.0", 3),
        ("small-test-catalog", "1.1", 4),
    ]
    exported = client.get("/api/v1/catalogs/small-test-catalog/versions/1.0/oscal")
    assert exported.headers["content-type"].startswith("application/oscal.catalog+json")
    document = json.loads(exported.content)
    assert document == small_catalog("1.0")
    TrestleCatalog.model_validate(document["catalog"])


@pytest.mark.usefixtures("catalogs")
def test_api_exports_excel(client: TestClient) -> None:
    response = client.get("/api/v1/catalogs/small-test-catalog/versions/1.1/xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert len(book.worksheets) == 2


@pytest.mark.usefixtures("catalogs")
def test_api_control_search(client: TestClient) -> None:
    found = client.get(
        "/api/v1/catalogs/small-test-catalog/versions/1.1/controls", params={"q": "方針"}
    ).json()
    assert [row["id"] for row in found] == ["ac-1"]


def test_pages_carry_security_headers(client: TestClient) -> None:
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.usefixtures("catalogs")
def test_control_links_lead_to_related_controls(client: TestClient) -> None:
    response = client.get(
        "/catalogs/small-test-catalog/1.0/controls/ac-2", headers={**HTML, "Accept-Language": "en"}
    )
    assert '<a href="/catalogs/small-test-catalog/1.0/controls/ac-1">ac-1</a>' in response.text


def test_builtin_control_cites_its_source_documents(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        version = service.ensure_builtin_catalog(session)
        path = f"/catalogs/{service.BUILTIN_KEY}/{version.version}/controls/cx-2.1"
    japanese = client.get(path, headers={**HTML, "Accept-Language": "ja"})
    assert "取組方針（案）" in japanese.text
    assert "#fee76d47" not in japanese.text


def test_the_statement_reads_as_printed(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    from tests.factories import large_catalog

    with session_factory.begin() as session:
        service.import_catalog(
            session,
            as_bytes(large_catalog(domains=1, areas=1, controls_per_area=1)),
            "l.json",
            max_bytes=LIMIT,
        )
    response = client.get("/catalogs/large-generated-catalog/5.0/controls/f00-a0-1", headers=HTML)
    assert "a. Do the thing [Assignment: organization-defined frequency]; and\nb. Review the thing." in (
        response.text
    )
    assert "insert: param" not in response.text
