"""A security officer at a browser reports a malicious address, then finds it in the feed (Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.auth.permissions import Role
from cyberdelta.db.engine import transaction
from cyberdelta.tenancy.service import get_organisation
from tests.accounts_factories import make_member, sign_in_page
from tests.intel.stix_factories import make_hub

pytestmark = pytest.mark.browser
ADDRESS = "TJRyWwFs9wTFGZg3JbrVriFbNfCug5tDeC"


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
