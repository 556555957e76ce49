"""Done-when of issue #6, at a browser (Chromium, both databases): the supervisor opens a cycle;
three exchanges of a larger demo population (with four more demo firms, which submit through the
services) start their assessment in the cycle, answer it (Excel import for the bulk, one answer by
hand in the workspace), ask for review, and their executive approvers sign off after a passkey
step-up (CDP virtual authenticator) — all through the pages; the supervisor returns one with a
comment on a control, its security officer reads the comment on the page, starts a new revision,
changes an answer and it is signed off again; all are accepted, each exchange sees its position,
and a peer group too small to publish shows as "not enough peers".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.models import Organisation, OrganisationKind, User
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_page
from tests.browser_steps import (
    answer_by_hand,
    enrol_passkey,
    expire_step_up,
    import_workbook,
    new_page,
    origin,
    sign_off_with_step_up,
)
from tests.public_ids import public, row_of
from tests.supervision.conftest import World
from tests.supervision.helpers import submit

__all__ = ["origin"]  # the fixture
pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
# The documentation's screenshots are refreshed only on request (CYBERDELTA_SCREENSHOTS=1), so an
# ordinary test run leaves the work tree as it was.
TAKE_SCREENSHOTS = os.environ.get("CYBERDELTA_SCREENSHOTS") == "1"


@dataclass
class Exchange:
    """One walking exchange: its security officer's and executive approver's browser pages."""

    organisation_id: int
    officer: Any
    approver: Any
    approver_id: int
    workspace: str = ""


def member(factory: sessionmaker[Session], organisation_id: int, role: Role) -> tuple[User, Organisation]:
    with transaction(factory) as session:
        organisation = session.get(Organisation, organisation_id)
        assert organisation is not None
        user = make_member(session, organisation, role)
        session.expunge_all()
    return user, organisation


def staff(
    chromium: Any, origin: str, settings: Settings, factory: sessionmaker[Session], organisation_id: int
) -> Exchange:
    """A signed-in security officer, and an executive approver who enrols a passkey by invitation."""
    officer, organisation = member(factory, organisation_id, Role.SECURITY_OFFICER)
    email = f"approver-{organisation_id}@exchange.example.jp"
    with transaction(factory) as session:
        _invitation, invite_url = invitations.create_invitation(
            session, settings.model_copy(update={"base_url": origin}), organisation, email,
            Role.EXECUTIVE_APPROVER, None,
        )  # fmt: skip
    officer_page = new_page(chromium, origin)
    sign_in_page(officer_page, origin, officer, organisation)
    approver_page = new_page(chromium, origin, authenticator=True)
    enrol_passkey(approver_page, origin, invite_url)
    with transaction(factory) as session:
        approver_id = session.scalar(select(User.id).where(User.email == email))
    assert approver_id is not None
    return Exchange(organisation_id, officer_page, approver_page, approver_id)


def request_review(page: Any, workspace: str) -> None:
    page.goto(workspace)
    assert "140 / 140" in page.content(), page.locator("main").inner_text()[:1500]
    with page.expect_navigation():
        page.locator("#action-request_review").click()
    assert page.locator("#state").inner_text() == "社内レビュー中"


def sign_off(factory: sessionmaker[Session], exchange: Exchange) -> None:
    """The approver signs off after a fresh passkey step-up (the enrolment's is made too old)."""
    expire_step_up(factory, exchange.approver_id)
    sign_off_with_step_up(exchange.approver, exchange.workspace)
    assert exchange.approver.locator("#state").inner_text() == "提出済み"


def submitted_ids(factory: sessionmaker[Session], cycle_id: int) -> dict[int, int]:
    with transaction(factory) as session:
        rows = session.execute(
            select(Assessment.organisation_id, Assessment.id).where(
                Assessment.cycle_id == cycle_id, Assessment.state == "submitted"
            )
        ).all()
    return {int(organisation_id): int(assessment_id) for organisation_id, assessment_id in rows}


def test_one_cycle_end_to_end(
    chromium: Any,
    origin: str,
    settings: Settings,
    session_factory: sessionmaker[Session],
    world: World,
    backend: str,
    tmp_path: Path,
) -> None:
    with transaction(session_factory) as session:
        fsa = make_organisation(
            session, OrganisationKind.SUPERVISOR, name_ja="デモ監督当局", name_en="Demo Supervisor"
        )
        inspector = make_member(session, fsa, Role.INSPECTOR)
        session.expunge_all()
    walkers = world.organisations[:3]
    others = world.organisations[3:7]

    # --- the supervisor opens the cycle ----------------------------------------------------
    supervisor = new_page(chromium, origin)
    sign_in_page(supervisor, origin, inspector, fsa)
    supervisor.goto("/supervision/cycles")
    supervisor.get_by_label("名前").fill("2027事務年度")
    supervisor.get_by_label("開始日").fill("2027-04-01")
    supervisor.get_by_label("締切日").fill("2027-06-30")
    boxes = supervisor.locator("input[name=participants]")
    for index in range(boxes.count()):
        if int(boxes.nth(index).get_attribute("value")) not in walkers + others:
            boxes.nth(index).uncheck()
    supervisor.get_by_role("button", name="サイクルを開始").click()
    supervisor.wait_for_url("**/supervision/cycles/*")
    cycle_id = row_of(settings, "cycle", supervisor.url.rsplit("/", 1)[1].split("?")[0])
    assert supervisor.locator("#participants tbody tr").count() == 7
    assert "未着手: 7" in supervisor.locator("#counts").inner_text()

    # --- three exchanges answer, ask for review and sign off in the browser -----------------
    exchanges = [staff(chromium, origin, settings, session_factory, org) for org in walkers]
    for index, exchange in enumerate(exchanges):
        page = exchange.officer
        page.goto("/cycles")
        assert "2027事務年度" in page.locator(f"#cycle-{cycle_id}").inner_text()
        page.locator(f"#cycle-{cycle_id}").get_by_role("button", name="評価を開始する").click()
        page.wait_for_url("**/assessment/*")
        exchange.workspace = page.url.split("?")[0]
        folder = tmp_path / str(index)
        folder.mkdir()
        import_workbook(
            page, exchange.workspace, folder, skip=(), maturity=lambda n, i=index: 1 + (n + i) % 5
        )
        answer_by_hand(page, exchange.workspace, "gv", 0)
        request_review(page, exchange.workspace)
        sign_off(session_factory, exchange)
    for index, organisation_id in enumerate(others):
        submit(session_factory, organisation_id, cycle_id, 1 + index % 5)

    # --- the supervisor returns one submission with a comment on a control ------------------
    ids = submitted_ids(session_factory, cycle_id)
    assert set(ids) == set(walkers + others)
    sign_in_page(supervisor, origin, inspector, fsa)
    supervisor.goto(f"/supervision/cycles/{public(settings, 'cycle', cycle_id)}")
    assert "提出済み: 7" in supervisor.locator("#counts").inner_text()
    supervisor.goto(f"/supervision/assessments/{public(settings, 'assessment', ids[walkers[0]])}")
    supervisor.get_by_label("GV-1.1 へのコメント").fill("承認済みの方針を添付してください。")
    supervisor.get_by_role("button", name="コメントを付けて差し戻す").click()
    supervisor.wait_for_url(f"**/supervision/cycles/{public(settings, 'cycle', cycle_id)}")

    # --- it reads the comment, starts a new revision, changes an answer, signs off again ----
    returned = exchanges[0]
    returned.officer.goto("/cycles")
    assert "承認済みの方針を添付してください。" in returned.officer.locator(".review-comments").inner_text()
    returned.officer.get_by_role("button", name="新しい版を開始する").click()
    returned.officer.wait_for_url("**/assessment/*")
    returned.workspace = returned.officer.url.split("?")[0]
    answer_by_hand(returned.officer, returned.workspace, "gv", 3)
    request_review(returned.officer, returned.workspace)
    sign_off(session_factory, returned)
    with transaction(session_factory) as session:
        latest = session.scalar(
            select(Assessment)
            .where(Assessment.organisation_id == walkers[0], Assessment.cycle_id == cycle_id)
            .order_by(Assessment.revision.desc()).limit(1)
        )  # fmt: skip
        assert latest is not None and latest.revision == 2 and latest.state == "submitted"
        assert latest.snapshot is not None and "profile" in latest.snapshot

    # --- all are accepted; the benchmarks are recomputed -------------------------------------
    ids = submitted_ids(session_factory, cycle_id)
    assert len(ids) == 7
    sign_in_page(supervisor, origin, inspector, fsa)
    for assessment_id in ids.values():
        supervisor.goto(f"/supervision/assessments/{public(settings, 'assessment', assessment_id)}")
        supervisor.get_by_role("button", name="受理する").click()
        supervisor.wait_for_url(f"**/supervision/cycles/{public(settings, 'cycle', cycle_id)}")
    supervisor.goto(f"/supervision/cycles/{public(settings, 'cycle', cycle_id)}")
    assert "7" in supervisor.locator("#counts a", has_text="受理").inner_text()
    if backend == "sqlite" and TAKE_SCREENSHOTS:
        supervisor.screenshot(path=str(SCREENSHOTS / "benchmark-dashboard.png"), full_page=False)
    supervisor.goto(f"/benchmark/industry?cycle={public(settings, 'cycle', cycle_id)}")
    assert supervisor.locator("#peer-groups .suppressed").count() > 0
    if backend == "sqlite" and TAKE_SCREENSHOTS:
        supervisor.screenshot(path=str(SCREENSHOTS / "benchmark-industry.png"), full_page=False)

    # --- each exchange sees its position; a too-small peer group is not published -----------
    for exchange in exchanges:
        page = exchange.officer
        page.goto(f"/benchmark?cycle={public(settings, 'cycle', cycle_id)}")
        overall = page.locator("#standings tbody tr[data-key=overall]")
        cells = overall.locator("td").all_inner_texts()
        assert cells[0] != "—" and cells[1] != "—", cells  # its score and percentile rank
        assert overall.locator("svg.box").count() == 1
        page.goto(f"/benchmark?cycle={public(settings, 'cycle', cycle_id)}&group=custody:large")
        assert page.locator("#standings .suppressed").count() > 0 or page.locator(
            "#standings"
        ).inner_text().count("データなし")
    if backend == "sqlite" and TAKE_SCREENSHOTS:
        exchanges[0].officer.goto(f"/benchmark?cycle={public(settings, 'cycle', cycle_id)}")
        exchanges[0].officer.screenshot(
            path=str(SCREENSHOTS / "benchmark-where-you-stand.png"), full_page=True
        )
    for page in [supervisor] + [p for e in exchanges for p in (e.officer, e.approver)]:
        page.context.close()
