"""Done-when of issue #6, at a browser (Chromium, both databases): the supervisor opens a cycle,
three exchanges of a larger demo population submit (with four more demo firms), the supervisor
returns one with a comment on a control, it resubmits, all are accepted, each exchange sees its
position, and a peer group too small to publish shows as "not enough peers".

The exchanges' answers and sign-off go through the assessment services (answering 140 controls
in a browser is the assessment issue's own browser test); everything the supervisor does, and
everything each exchange reads, happens in the browser.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment
from cyberdelta.auth.permissions import Role
from cyberdelta.db.engine import transaction
from cyberdelta.tenancy.models import Organisation, OrganisationKind, User
from tests.accounts_factories import make_member, make_organisation, sign_in_page
from tests.supervision.conftest import World
from tests.supervision.helpers import submit

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
# The documentation's screenshots are refreshed only on request (CYBERDELTA_SCREENSHOTS=1), so an
# ordinary test run leaves the work tree as it was.
TAKE_SCREENSHOTS = os.environ.get("CYBERDELTA_SCREENSHOTS") == "1"


def member(factory: sessionmaker[Session], organisation_id: int, role: Role) -> tuple[User, Organisation]:
    with transaction(factory) as session:
        organisation = session.get(Organisation, organisation_id)
        assert organisation is not None
        user = make_member(session, organisation, role)
        session.expunge_all()
    return user, organisation


def test_one_cycle_end_to_end(
    page: Any, live_server: str, session_factory: sessionmaker[Session], world: World, backend: str
) -> None:
    with transaction(session_factory) as session:
        fsa = make_organisation(
            session, OrganisationKind.SUPERVISOR, name_ja="デモ監督当局", name_en="Demo Supervisor"
        )
        inspector = make_member(session, fsa, Role.INSPECTOR)
        session.expunge_all()
    walkers = world.organisations[:3]
    others = world.organisations[3:7]

    sign_in_page(page, live_server, inspector, fsa)
    page.goto("/supervision/cycles")
    page.get_by_label("名前").fill("2027事務年度")
    page.get_by_label("開始日").fill("2027-04-01")
    page.get_by_label("締切日").fill("2027-06-30")
    boxes = page.locator("input[name=participants]")
    for index in range(boxes.count()):
        if int(boxes.nth(index).get_attribute("value")) not in walkers + others:
            boxes.nth(index).uncheck()
    page.get_by_role("button", name="サイクルを開始").click()
    page.wait_for_url("**/supervision/cycles/*")
    cycle_id = int(page.url.rsplit("/", 1)[1].split("?")[0])
    assert page.locator("#participants tbody tr").count() == 7
    assert "未着手: 7" in page.locator("#counts").inner_text()

    first_user, first_org = member(session_factory, walkers[0], Role.SECURITY_OFFICER)
    sign_in_page(page, live_server, first_user, first_org)
    page.goto("/cycles")
    assert "2027事務年度" in page.locator(f"#cycle-{cycle_id}").inner_text()
    page.locator(f"#cycle-{cycle_id}").get_by_role("button", name="評価を開始する").click()
    page.wait_for_url("**/assessment/*")

    ids = {
        org: submit(session_factory, org, cycle_id, 1 + index % 5)
        for index, org in enumerate(walkers + others)
    }

    sign_in_page(page, live_server, inspector, fsa)
    page.goto(f"/supervision/cycles/{cycle_id}")
    assert "提出済み: 7" in page.locator("#counts").inner_text()
    page.goto(f"/supervision/assessments/{ids[walkers[0]]}")
    page.get_by_label("GV-1.1 へのコメント").fill("承認済みの方針を添付してください。")
    page.get_by_role("button", name="コメントを付けて差し戻す").click()
    page.wait_for_url(f"**/supervision/cycles/{cycle_id}")

    sign_in_page(page, live_server, first_user, first_org)
    page.goto("/cycles")
    assert "承認済みの方針を添付してください。" in page.locator(".review-comments").inner_text()
    page.get_by_role("button", name="新しい版を開始する").click()
    page.wait_for_url("**/assessment/*")
    ids[walkers[0]] = submit(session_factory, walkers[0], cycle_id, 2)
    with transaction(session_factory) as session:
        latest = session.get(Assessment, ids[walkers[0]])
        assert latest is not None and latest.revision == 2 and latest.state == "submitted"

    sign_in_page(page, live_server, inspector, fsa)
    for assessment_id in ids.values():
        page.goto(f"/supervision/assessments/{assessment_id}")
        page.get_by_role("button", name="受理する").click()
        page.wait_for_url(f"**/supervision/cycles/{cycle_id}")
    page.goto(f"/supervision/cycles/{cycle_id}")
    assert "7" in page.locator("#counts a", has_text="受理").inner_text()
    if backend == "sqlite" and TAKE_SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "benchmark-dashboard.png"), full_page=False)
    page.goto(f"/benchmark/industry?cycle={cycle_id}")
    assert page.locator("#peer-groups .suppressed").count() > 0
    if backend == "sqlite" and TAKE_SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "benchmark-industry.png"), full_page=False)

    for organisation_id in walkers:
        user, organisation = member(session_factory, organisation_id, Role.SECURITY_OFFICER)
        sign_in_page(page, live_server, user, organisation)
        page.goto(f"/benchmark?cycle={cycle_id}")
        overall = page.locator("#standings tbody tr[data-key=overall]")
        cells = overall.locator("td").all_inner_texts()
        assert cells[0] != "—" and cells[1] != "—", cells  # its score and percentile rank
        assert overall.locator("svg.box").count() == 1
        page.goto(f"/benchmark?cycle={cycle_id}&group=custody:large")
        assert page.locator("#standings .suppressed").count() > 0 or page.locator(
            "#standings"
        ).inner_text().count("データなし")
    if backend == "sqlite" and TAKE_SCREENSHOTS:
        page.goto(f"/benchmark?cycle={cycle_id}")
        page.screenshot(path=str(SCREENSHOTS / "benchmark-where-you-stand.png"), full_page=True)
