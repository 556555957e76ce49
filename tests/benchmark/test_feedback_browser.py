"""The feedback batch at a browser (Chromium, both databases): the supervisor starts it from the
collection dashboard, the htmx-polled progress bar reaches 100 % and the downloads appear."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_page
from tests.benchmark.conftest import DEMO_ORGS, World
from tests.public_ids import public

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
# The documentation's screenshots are refreshed only on request (CYBERDELTA_SCREENSHOTS=1), so an
# ordinary test run leaves the work tree as it was.
TAKE_SCREENSHOTS = os.environ.get("CYBERDELTA_SCREENSHOTS") == "1"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A real worker thread, so the page shows the job's progress while it runs."""
    return settings.model_copy(update={"jobs_mode": "thread"})


def test_the_progress_bar_reaches_100_and_the_downloads_appear(
    page: Any, live_server: str, session_factory: sessionmaker[Session], world: World, backend: str
) -> None:
    cycle = world.cycles[-1]
    with transaction(session_factory) as session:
        fsa = make_organisation(session, OrganisationKind.SUPERVISOR, name_en="Demo Supervisor")
        inspector = make_member(session, fsa, Role.INSPECTOR)
        session.expunge_all()
    sign_in_page(page, live_server, inspector, fsa)
    page.goto(f"/supervision/cycles/{public(live_server, 'cycle', cycle)}")
    page.get_by_role("link", name="フィードバックレポート").click()
    page.wait_for_url(f"**/benchmark/feedback/{public(live_server, 'cycle', cycle)}")
    page.get_by_label("レポートの言語").select_option("en")
    page.get_by_role("button", name="フィードバックレポートを作成").click()
    page.wait_for_url("**/benchmark/feedback/runs/*")
    progress = page.locator("#job progress")
    progress.wait_for()
    page.locator("#feedback-zip").wait_for(timeout=300_000)  # a bound on waiting, not a speed assertion
    assert progress.get_attribute("value") == "100"
    assert f"{DEMO_ORGS + 1} 件中 {DEMO_ORGS + 1} 件" in page.locator("#job").inner_text()
    assert page.locator("#feedback-files tbody tr").count() == DEMO_ORGS + 1
    if backend == "sqlite" and TAKE_SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "benchmark-feedback.png"), full_page=False)
    with page.expect_download() as download:
        page.locator("#feedback-zip").click()
    assert download.value.suggested_filename == f"feedback-{cycle}-en.zip"
