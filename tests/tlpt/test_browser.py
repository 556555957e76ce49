"""At a browser (Chromium, both databases; docs/tlpt.md): the test manager opens an engagement, selects
the providers and names the control team through the pages; the control team records the scope,
uploads a deliverable and downloads it decrypted; the firm's org admin, at the engagement's URL,
gets the page an unknown engagement gets and an empty list."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.accounts_factories import sign_in_page
from tests.browser_steps import new_page, origin
from tests.tlpt.world import CHECKS, world

__all__ = ["origin"]  # the fixture
pytestmark = pytest.mark.browser


def test_a_named_person_reads_a_sealed_deliverable_and_the_org_admin_sees_nothing(
    chromium: Any, origin: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    w = world(session_factory)
    manager = new_page(chromium, origin)
    sign_in_page(manager, origin, w.manager, w.authority)
    manager.goto("/tlpt")
    manager.fill("#code_name", "SAKURA-B")
    manager.fill("#firm", w.firm.slug)
    manager.select_option("#framework", "rts")
    manager.fill("#notified_on", (date.today() - timedelta(days=20)).isoformat())
    manager.locator("form[action$='/tlpt/engagements'] button").click()
    manager.wait_for_url("**/tlpt/*")
    engagement = manager.url.removeprefix(origin)
    for kind, slug in (("ti", w.ti.slug), ("red_team", w.red.slug)):
        manager.select_option("#kind", kind)
        manager.fill("#provider", slug)
        for key, text in CHECKS.items():
            manager.fill(f"#check-{key}", text)
        manager.locator("form[action$='/providers'] button").click()
        manager.wait_for_load_state()
    manager.fill("#email", "control@sakura.example")
    manager.select_option("#team", "control_team")
    manager.locator("form[action$='/members'] button").click()
    manager.wait_for_load_state()
    assert "control@sakura.example" not in manager.content()  # names, not addresses, are shown

    control = new_page(chromium, origin)
    sign_in_page(control, origin, w.control, w.firm)
    control.goto("/tlpt")
    control.get_by_role("link", name="SAKURA-B").click()
    control.fill("#functions", "コールドウォレットからの出金")
    control.locator("form[action$='/scope'] button").click()
    control.wait_for_load_state()
    report = tmp_path / "scope.pdf"
    report.write_bytes(b"%PDF-1.7\nscope of SAKURA-B\n%%EOF\n")
    control.set_input_files("#file", str(report))
    control.locator("form[action$='/deliverables'] button").click()
    control.wait_for_load_state()
    with control.expect_download() as started:
        control.get_by_role("link", name="scope.pdf").click()
    assert Path(started.value.path()).read_bytes() == report.read_bytes()

    admin = new_page(chromium, origin)
    sign_in_page(admin, origin, w.admin, w.firm)
    refused = admin.goto(engagement)
    assert refused is not None and refused.status == 404
    unknown = admin.goto(engagement[:-4] + "AAAA")
    assert unknown is not None and unknown.status == 404
    admin.goto("/tlpt")
    assert admin.locator("#no-engagements").is_visible()
    assert "SAKURA-B" not in admin.content()
