"""A person at a browser: the catalog tree, the language switch and a Japanese search (Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.catalog import service

pytestmark = pytest.mark.browser


@pytest.fixture
def builtin(session_factory: sessionmaker[Session]) -> str:
    with session_factory.begin() as session:
        version = service.ensure_builtin_catalog(session)
        return f"/catalogs/{service.BUILTIN_KEY}/{version.version}"


def test_tree_language_switch_and_japanese_search(page: Any, builtin: str) -> None:
    page.goto("/catalogs")
    page.get_by_role(
        "link", name="暗号資産交換業者向けサイバーセキュリティセルフアセスメント 管理策カタログ"
    ).click()
    page.wait_for_url(f"**{builtin}")
    assert page.get_by_role("region", name="領域と分野").is_visible()
    tree = page.locator("section.tree")
    assert tree.locator("details.group").first.is_visible()
    domain = tree.locator("details.group > summary").first
    assert "サイバーセキュリティ管理態勢" in domain.inner_text()
    assert "件の管理策" in domain.inner_text()

    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**{builtin}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Governance" in tree.locator("details.group > summary").first.inner_text()

    search = page.get_by_label("Search controls")
    search.fill("署名")
    search.press("Enter")
    page.wait_for_url("**/search?q=*")
    results = page.locator("ul.results li a")
    assert results.count() > 0
    assert any("cx-" in href for href in results.evaluate_all("links => links.map(a => a.href)"))
    results.first.click()
    assert page.get_by_role("heading", name="Statement").is_visible()

    page.reload()
    assert page.locator("html").get_attribute("lang") == "en", "the language choice is remembered"


def test_tree_is_usable_with_the_keyboard(page: Any, builtin: str) -> None:
    page.goto(builtin)
    first = page.locator("details.group > summary").first
    first.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.group").first.get_attribute("open") is None
    page.keyboard.press("Enter")
    assert page.locator("details.group").first.get_attribute("open") is not None
