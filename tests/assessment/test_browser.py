"""The whole self-assessment in Chromium, the issue's "done" criterion: an exchange's security
officer answers one domain of the built-in catalog by hand (keyboard and mouse), the rest through
the Excel import, attaches evidence and asks for review; the executive approver enrols a passkey,
is asked for a fresh passkey step-up at sign-off (CDP virtual authenticator) and signs off; the PDF
is rendered by the background job and downloaded; its text carries the organisation's name and the
Japanese domain names, and the radar chart is drawn on the page.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.assessment.models import Assessment, EvidenceUse
from cyberdelta.auth.models import AuthSession
from cyberdelta.auth.permissions import Role
from cyberdelta.db.base import utcnow
from cyberdelta.db.engine import transaction
from cyberdelta.settings import Settings
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.models import OrganisationKind
from tests.accounts_factories import LIVE_APPS, make_member, make_organisation, sign_in_page

pytestmark = pytest.mark.browser
DOMAIN_NAMES_JA = [
    "サイバーセキュリティ管理態勢",
    "サイバー攻撃の検知",
    "暗号資産特有の管理策",
    "サードパーティリスク管理",
]
RADAR_ORANGE = (217, 72, 15)


@pytest.fixture
def origin(settings: Settings, engine: Any) -> Iterator[str]:
    """The app on ``http://localhost:PORT`` (a secure context, so WebAuthn works)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://localhost:{port}"
    app = create_app(settings.model_copy(update={"base_url": url}), engine=engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    LIVE_APPS[url] = app
    yield url
    LIVE_APPS.pop(url, None)
    server.should_exit = True
    thread.join(timeout=10)


def new_page(chromium: Any, origin: str, authenticator: bool = False) -> Any:
    context = chromium.new_context(base_url=origin, locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    if authenticator:
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        options = {
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": True,
            "hasUserVerification": True,
            "isUserVerified": True,
            "automaticPresenceSimulation": True,
        }
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return page


def ceremony(page: Any, button: str, arrive: str) -> None:
    page.wait_for_selector("html[data-passkey-ready]", state="attached")
    page.locator(button).click()
    page.wait_for_url(arrive)


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


def fill_workbook(data: bytes) -> bytes:
    book = load_workbook(BytesIO(data))
    for sheet in book.worksheets:
        if sheet.title in ("Instructions", "_meta", "DE"):
            continue
        for number in range(3, sheet.max_row + 1):
            if sheet[f"A{number}"].value:
                sheet[f"D{number}"] = 2 + number % 3
                sheet[f"G{number}"] = "=SUM(1,2) ではなく文章"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def radar_drawn(pdf_path: Path, folder: Path) -> bool:
    """Rasterise the score page (poppler's pdftoppm) and look for the radar's solid orange line."""
    subprocess.run(
        ["pdftoppm", "-f", "2", "-l", "2", "-r", "60", "-png", str(pdf_path), str(folder / "p")], check=True
    )
    image = Image.open(next(folder.glob("p*.png"))).convert("RGB")
    red, green, blue = (list(band.getdata()) for band in image.split())
    near = sum(
        1
        for r, g, b in zip(red, green, blue, strict=True)
        if abs(r - 217) < 25 and abs(g - 72) < 25 and abs(b - 15) < 25
    )
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

    page.goto(workspace)
    with page.expect_download() as download:
        page.get_by_role("link", name="ワークブック（.xlsx）をダウンロード").click()
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill_workbook(Path(download.value.path()).read_bytes()))
    page.locator("#import-file").set_input_files(str(filled))
    page.locator("#import-button").click()
    assert "件の回答を取り込みました" in page.locator("#import-ok").inner_text()
    page.goto(workspace)
    assert "140 / 140" in page.content(), page.locator("main").inner_text()[:1500]
    with page.expect_navigation():
        page.locator("#action-request_review").click()
    assert page.locator("#state").inner_text() == "社内レビュー中"

    # --- the executive approver: passkey enrolment, then a fresh step-up at sign-off -------
    approver = new_page(chromium, origin, authenticator=True)
    approver.goto(invite_url)
    approver.fill("#passkey-name", "役員のPC")
    ceremony(approver, "[data-passkey='create']", f"{origin}/account")
    with transaction(session_factory) as session:
        session.execute(update(AuthSession).values(stepped_up_at=utcnow() - timedelta(minutes=6)))
    approver.goto(workspace)
    approver.locator("#action-sign_off").click()
    approver.wait_for_url("**/auth/step-up**")
    ceremony(approver, "[data-passkey='get']", workspace)
    with approver.expect_navigation():
        approver.locator("#action-sign_off").click()
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
