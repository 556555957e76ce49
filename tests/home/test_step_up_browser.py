"""Step-up keeps the form (docs/home.md): after the passkey confirmation the action completes with what
the user typed, and the step-up page says what is being approved. In Chromium with a CDP virtual
authenticator, on the demo world: Fuji's executive approver signs off with a comment, the FSA's
inspector opens a cycle with a name, dates and a choice of participants."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment, Cycle, WorkflowEvent
from cyberdelta.auth.demo import member_email
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.supervision import service as supervision
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy import service as tenancy
from cyberdelta.tenancy.permissions import Role
from tests.browser_steps import ceremony, enrol_passkey, expire_step_up, new_page, origin
from tests.home.demo_world import load_demo

__all__ = ["origin"]  # the fixture

pytestmark = pytest.mark.browser
COMMENT = "取締役会で確認済み。鍵管理の改善を次期に実施する。"


def _enrolled(chromium: Any, origin: str, settings: Settings, factory: sessionmaker[Session], slug: str,
              role: Role) -> Any:  # fmt: skip
    """A browser page signed in as the demo member, who has just enrolled a passkey."""
    with transaction(factory) as session:
        organisation = tenancy.get_organisation_by_slug(session, slug)
        assert organisation is not None
        local = settings.model_copy(update={"base_url": origin})
        _invitation, url = invitations.create_invitation(
            session, local, organisation, member_email(role, slug), role, None
        )
    page = new_page(chromium, origin, authenticator=True)
    enrol_passkey(page, origin, url)
    return page


def test_the_approvers_comment_survives_the_step_up_and_the_sign_off_completes(
    chromium: Any, origin: str, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    load_demo(session_factory, settings)
    approver = _enrolled(chromium, origin, settings, session_factory, "fuji-coin", Role.EXECUTIVE_APPROVER)
    expire_step_up(session_factory)
    approver.goto("/")
    approver.get_by_role("link", name="承認を待っています").first.click()
    workspace = approver.url
    approver.fill("#sign-off-comment", COMMENT)
    approver.locator("#action-sign_off").click()
    approver.wait_for_url("**/sign-off")
    assert "金融庁に提出" in approver.locator("#step-up-purpose").inner_text()
    assert COMMENT in approver.locator("#step-up-kept").inner_text()
    ceremony(approver, "[data-passkey='get']", workspace)
    assert approver.locator("#state").inner_text() == "提出済み"
    with transaction(session_factory) as session:
        event = session.scalars(select(WorkflowEvent).where(WorkflowEvent.action == "sign_off")
                                .order_by(WorkflowEvent.id.desc())).first()  # fmt: skip
        assert event is not None and event.comment == COMMENT
        signed = session.get(Assessment, event.assessment_id)
        assert signed is not None and signed.state == "submitted"


def test_opening_a_cycle_keeps_its_name_dates_and_participants_across_the_step_up(
    chromium: Any, origin: str, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    load_demo(session_factory, settings)
    inspector = _enrolled(chromium, origin, settings, session_factory, "fsa", Role.INSPECTOR)
    expire_step_up(session_factory)
    inspector.goto("/supervision/cycles")
    inspector.fill("#name", "2027年度 サイバーセキュリティ自己評価")
    inspector.fill("#opens_on", "2027-04-01")
    inspector.fill("#closes_on", "2027-06-30")
    inspector.get_by_label("富士コイン").uncheck()
    inspector.locator("#open-cycle button[type='submit']").click()
    inspector.wait_for_url("**/supervision/cycles")
    assert "2027年度 サイバーセキュリティ自己評価" in inspector.locator("#step-up-kept").inner_text()
    assert "監督当局として" in inspector.locator("#step-up-purpose").inner_text()
    ceremony(inspector, "[data-passkey='get']", "**/supervision/cycles/*")
    with transaction(session_factory) as session:
        cycle = session.scalar(select(Cycle).where(Cycle.name == "2027年度 サイバーセキュリティ自己評価"))
        assert cycle is not None
        schedule = supervision.schedule_of(session, cycle.id)
        assert (
            schedule is not None
            and str(schedule.opens_on) == "2027-04-01"
            and str(schedule.closes_on) == "2027-06-30"
        )
        fuji = tenancy.get_organisation_by_slug(session, "fuji-coin")
        sakura = tenancy.get_organisation_by_slug(session, "sakura-exchange")
        assert fuji is not None and sakura is not None
        taking_part = set(supervision.participant_ids(session, cycle.id))
        assert sakura.id in taking_part and fuji.id not in taking_part
