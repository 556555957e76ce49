"""In Chromium: a security officer reports a malicious address and finds it in the feed; an ISAC
analyst opens a collection to an exchange, which imports a MISP event and reports a sighting."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.tenancy.permissions import Role
from cyberdelta.tenancy.service import get_organisation
from tests.accounts_factories import make_member, sign_in_page
from tests.intel.attack_factories import misp_event
from tests.intel.stix_factories import make_hub

pytestmark = pytest.mark.browser
ADDRESS = "TJRyWwFs9wTFGZg3JbrVriFbNfCug5tDeC"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
# The documentation's screenshots are refreshed only on request (CYBERDELTA_SCREENSHOTS=1), so an
# ordinary test run leaves the work tree as it was.
TAKE_SCREENSHOTS = os.environ.get("CYBERDELTA_SCREENSHOTS") == "1"


def screenshot(page: Any, backend: str, name: str, *, full_page: bool) -> None:
    """Refresh ``docs/img/<name>`` from this page when asked (SQLite run only)."""
    if backend == "sqlite" and TAKE_SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def test_quick_report_then_search_the_feed(
    page: Any, live_server: str, session_factory: sessionmaker[Session]
) -> None:
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        organisation = get_organisation(session, hub.publisher_id)
        assert organisation is not None
        user = make_member(session, organisation, Role.SECURITY_OFFICER)
    sign_in_page(page, live_server, user, organisation)

    page.goto("/intel/report")
    page.get_by_label("チェーン（アドレスの場合）").select_option("tron")
    page.get_by_label("アドレスまたはドメイン").fill("not-an-address")
    page.get_by_role("button", name="公開する").click()
    assert "value" in page.get_by_role("alert").inner_text()

    page.get_by_label("アドレスまたはドメイン").fill(ADDRESS)
    page.get_by_label("メモ（確認した内容）").fill("出金依頼の送金先として確認")
    page.get_by_role("button", name="公開する").click()
    page.wait_for_url("**/intel?published=2")
    assert "2 件のオブジェクトを公開しました。" in page.get_by_role("status").first.inner_text()

    page.get_by_label("アドレス・ドメイン・ハッシュ・キーワード").fill(ADDRESS[:10])
    page.get_by_role("button", name="絞り込み").click()
    rows = page.locator("table.feed tbody tr")
    assert rows.count() == 2
    assert (
        "出金依頼の送金先として確認" in rows.first.inner_text()
        or "出金依頼の送金先として確認" in rows.nth(1).inner_text()
    )


def test_isac_opens_a_collection_to_an_exchange_which_imports_and_reports_a_sighting(
    page: Any, live_server: str, session_factory: sessionmaker[Session], backend: str
) -> None:
    hub = make_hub(session_factory)
    with transaction(session_factory) as session:
        isac = get_organisation(session, hub.isac_id)
        exchange = get_organisation(session, hub.publisher_id)
        assert isac is not None and exchange is not None
        analyst = make_member(session, isac, Role.ANALYST)
        officer = make_member(session, exchange, Role.SECURITY_OFFICER)

    # The ISAC analyst creates a collection only granted organisations may write to.
    sign_in_page(page, live_server, analyst, isac)
    page.goto("/intel/collections")
    page.locator("#title").fill("Lazarus watch")
    page.locator("#alias").fill("lazarus")
    page.locator("#default_tlp").select_option("amber")
    page.get_by_role("button", name="コレクションを作成").click()
    page.wait_for_url("**/intel/collections/*?saved=created")
    collection_id = page.url.split("/intel/collections/")[1].split("?")[0]
    page.locator("#organisation").select_option(str(hub.publisher_id))
    page.get_by_label("書き込み可", exact=True).check()
    page.get_by_role("button", name="アクセスを許可").click()
    page.wait_for_url("**?saved=grant")
    assert "exchange-a" in page.locator("#grants").inner_text()
    screenshot(page, backend, "intel-collections.png", full_page=True)

    # The exchange imports a MISP event into it through the page.
    page.context.clear_cookies()
    sign_in_page(page, live_server, officer, exchange)
    page.goto("/intel/import")
    page.get_by_label("ファイル（JSON）").set_input_files(
        files=[
            {
                "name": "misp-event.json",
                "mimeType": "application/json",
                "buffer": json.dumps(misp_event()).encode(),
            }
        ]
    )
    page.locator("#collection").select_option(collection_id)
    page.get_by_role("button", name="取り込み").click()
    result = page.locator("#import-result").inner_text()
    assert "misp-event.json" in result and "5 件のうち、新規 5 件" in result
    screenshot(page, backend, "intel-import.png", full_page=True)

    # ... and reports an address it saw in a withdrawal request: a sighting, counted in the feed.
    page.goto("/intel/report")
    page.get_by_label("チェーン（アドレスの場合）").select_option("tron")
    page.get_by_label("アドレスまたはドメイン").fill(ADDRESS)
    page.get_by_label("確認した場面").select_option("withdrawal-request")
    page.get_by_label("確認回数").fill("2")
    page.locator("#collection").select_option(collection_id)
    page.get_by_role("button", name="公開する").click()
    page.wait_for_url("**/intel?published=4")
    page.get_by_label("アドレス・ドメイン・ハッシュ・キーワード").fill(ADDRESS)
    page.get_by_role("button", name="絞り込み").click()
    feed = page.locator("table.feed tbody").inner_text()
    assert "1 件のサイティング報告" in feed
    assert "出金依頼で 2 回確認" in feed and "Seen in a withdrawal request" not in feed
    screenshot(page, backend, "intel-feed.png", full_page=True)
