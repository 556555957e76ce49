"""The whole self-assessment in Chromium, the issue's "done" criterion: an exchange's security
officer answers one domain of the built-in catalog by hand (keyboard and mouse), the rest through
the Excel import, attaches evidence and asks for review; the executive approver enrols a passkey,
is asked for a fresh passkey step-up at sign-off (CDP virtual authenticator) and signs off; the PDF
is rendered by the background job and downloaded; its text carries the organisation's name and the
Japanese domain names, and the radar chart is drawn on the page.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment.models import Assessment, EvidenceUse
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.models import OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_member, make_organisation, sign_in_page
from tests.browser_steps import (
    enrol_passkey,
    expire_step_up,
    import_workbook,
    new_page,
    origin,
    sign_off_with_step_up,
)

__all__ = ["origin"]  # the fixture

pytestmark = pytest.mark.browser
DOMAIN_NAMES_JA = [
    "サイバーセキュリティ管理態勢",
    "サイバー攻撃の検知",
    "暗号資産特有の管理策",
    "サードパーティリスク管理",
]
RADAR_ORANGE = (217, 72, 15)


def answer_domain_by_hand(page: Any) -> None:
    """Every control of the open domain page: maturity by keyboard or click, one N/A with reason."""
    sections = page.locator("section.control")
    for index in range(sections.count()):
        section = sections.nth(index)
        status = section.locator(".save-status")
        if index == 0:
            # Keyboard only: focus the first maturity radio, arrow to the next level (selects it).
            section.locator("input[name='maturity'][value='0']").focus()
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
        elif index == 1:
            # N/A without a reason is refused in place (the tick stays); the reason then saves it.
            section.locator("input[name='not_applicable']").check()
            status.filter(has_text="N/Aの理由").wait_for()
            assert section.locator("input[name='not_applicable']").is_checked()
            section.locator("input[name='na_reason']").fill("当社はこの機能を持たない")
            page.keyboard.press("Tab")
        else:
            section.locator(f"input[name='maturity'][value='{(index % 5) + 1}']").check()
        status.filter(has_text="保存しました").wait_for()
        # htmx settles attributes a moment after it swaps the text (its settle delay), so wait
        # for the class rather than reading it once.
        expect(status).not_to_have_class(re.compile(r"\berror\b"))


def radar_drawn(pdf_path: Path, folder: Path) -> bool:
    """Rasterise the score page (poppler's pdftoppm) and look for the radar's solid orange line."""
    subprocess.run(
        ["pdftoppm", "-f", "2", "-l", "2", "-r", "60", "-png", str(pdf_path), str(folder / "p")], check=True
    )
    image = Image.open(next(folder.glob("p*.png"))).convert("RGB")
    pixels = cast(Sequence[tuple[int, int, int]], image.get_flattened_data())  # RGB triples
    near = sum(1 for r, g, b in pixels if abs(r - 217) < 25 and abs(g - 72) < 25 and abs(b - 15) < 25)
    return near > 50


def test_a_whole_assessment_through_the_pages(
    chromium: Any, origin: str, settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(session_factory) as session:
        exchange = make_organisation(
            session, OrganisationKind.EXCHANGE, name_ja="デルタ取引所", name_en="Delta Exchange"
        )
        officer = make_member(session, exchange, Role.SECURITY_OFFICER, "ciso@delta.example.jp")
        _invitation, invite_url = invitations.create_invitation(
            session, settings.model_copy(update={"base_url": origin}), exchange, "ceo@delta.example.jp",
            Role.EXECUTIVE_APPROVER, None,
        )  # fmt: skip
        session.expunge_all()

    # --- the security officer -------------------------------------------------------------
    page = new_page(chromium, origin)
    sign_in_page(page, origin, officer, exchange)
    page.goto("/assessment")
    page.get_by_role("button", name="年度の評価を開始・再開").click()
    page.wait_for_url("**/assessment/*")
    workspace = page.url
    page.get_by_role("link", name="DE サイバー攻撃の検知").click()
    answer_domain_by_hand(page)

    section = page.locator("section.control").first
    section.locator("summary").click()
    evidence_file = tmp_path / "ir-plan.pdf"
    evidence_file.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    section.locator("input[name='title']").fill("インシデント対応計画書")
    section.locator("input[type='file']").set_input_files(str(evidence_file))
    section.get_by_role("button", name="エビデンスを追加").click()
    page.wait_for_url("**/domains/de**")
    assert "インシデント対応計画書" in page.locator("section.control").first.inner_text()

    import_workbook(page, workspace, tmp_path)
    page.goto(workspace)
    assert "140 / 140" in page.content(), page.locator("main").inner_text()[:1500]
    with page.expect_navigation():
        page.locator("#action-request_review").click()
    assert page.locator("#state").inner_text() == "社内レビュー中"

    # --- the executive approver: passkey enrolment, then a fresh step-up at sign-off -------
    approver = new_page(chromium, origin, authenticator=True)
    enrol_passkey(approver, origin, invite_url)
    expire_step_up(session_factory)
    sign_off_with_step_up(approver, workspace)
    assert approver.locator("#state").inner_text() == "提出済み"
    assert "に承認" in approver.content()
    with transaction(session_factory) as session:
        signed = session.scalars(select(Assessment)).one()
        assert signed.snapshot is not None and len(signed.snapshot["responses"]) == 140
        assert session.scalar(select(EvidenceUse.id)) is not None

    # --- the PDF report, rendered by the background job -------------------------------------
    approver.goto(workspace + "/report")
    assert approver.locator("svg#radar-chart").count() == 1
    approver.locator("#report-pdf").click()
    approver.locator("#report-download").wait_for(timeout=60000)
    with approver.expect_download() as download:
        approver.locator("#report-download").click()
    pdf_path = tmp_path / "report.pdf"
    pdf_path.write_bytes(Path(download.value.path()).read_bytes())
    # Table cells wrap long Japanese words across lines; compare without line breaks.
    text = "".join(page.extract_text() for page in PdfReader(str(pdf_path)).pages).replace("\n", "")
    assert "デルタ取引所" in text
    for name in DOMAIN_NAMES_JA:
        assert name in text, name
    assert "インシデント対応計画書" in text
    assert radar_drawn(pdf_path, tmp_path)
