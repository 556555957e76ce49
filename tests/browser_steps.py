"""Browser steps shared by the Chromium tests of the assessment and of a supervision cycle: the app
on a ``localhost`` origin (WebAuthn needs a secure context), pages with a CDP virtual
authenticator, passkey ceremonies, and the exchange's Excel round trip.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.auth.models import AuthSession
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from tests.accounts_factories import LIVE_APPS

# Generous under load (two cores shared with other test runs): a step waits for its page, never sleeps.
TIMEOUT_MS = 30000


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
    """A page in a fresh browser context (its own cookies), optionally with a virtual passkey."""
    context = chromium.new_context(
        base_url=origin, locale="ja-JP", accept_downloads=True, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    if authenticator:
        add_virtual_authenticator(context, page)
    return page


def add_virtual_authenticator(context: Any, page: Any) -> None:
    """A platform passkey authenticator (CTAP2, resident keys, user verification) through the
    Chrome DevTools Protocol's WebAuthn domain; it answers every ceremony without a prompt."""
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


def ceremony(page: Any, button: str, arrive: str) -> None:
    """Press a passkey button once the page's script is ready, and wait for where it leads."""
    page.wait_for_selector("html[data-passkey-ready]", state="attached")
    page.locator(button).click()
    page.wait_for_url(arrive)


def enrol_passkey(page: Any, origin: str, invite_url: str, name: str = "役員のPC") -> None:
    """Accept an invitation by enrolling a passkey (the virtual authenticator of ``page``)."""
    page.goto(invite_url)
    page.fill("#passkey-name", name)
    ceremony(page, "[data-passkey='create']", f"{origin}/account")


def expire_step_up(factory: sessionmaker[Session], user_id: int | None = None) -> None:
    """Make the passkey step-up of the user's sessions (everyone's without ``user_id``) too old,
    so the next action that commits the organisation asks for a fresh one."""
    statement = update(AuthSession).values(stepped_up_at=utcnow() - timedelta(minutes=6))
    if user_id is not None:
        statement = statement.where(AuthSession.user_id == user_id)
    with transaction(factory) as session:
        session.execute(statement)


def sign_off_with_step_up(page: Any, workspace: str) -> None:
    """Sign off at the workspace; the app asks for a passkey step-up first, which keeps the form:
    once confirmed, the sign-off is posted again and the browser is back at the workspace."""
    page.goto(workspace)
    page.locator("#action-sign_off").click()
    page.wait_for_url("**/sign-off")
    ceremony(page, "[data-passkey='get']", workspace)


def answer_by_hand(page: Any, workspace: str, domain: str, maturity: int) -> None:
    """Click a maturity of the domain's first control in the workspace and wait until it is saved."""
    page.goto(f"{workspace}/domains/{domain}")
    section = page.locator("section.control").first
    section.locator(f"input[name='maturity'][value='{maturity}']").check()
    status = section.locator(".save-status")
    status.filter(has_text="保存しました").wait_for()
    # htmx settles attributes a moment after it swaps the text: wait for the class, don't read it once.
    expect(status).not_to_have_class(re.compile(r"\berror\b"))


def fill_workbook(
    data: bytes,
    skip: tuple[str, ...] = ("DE",),
    maturity: Callable[[int], int] = lambda number: 2 + number % 3,
) -> bytes:
    """Answer every control row of the downloaded workbook (maturity by row number), except on the
    sheets in ``skip``; the comment looks like a formula on purpose (it must stay text)."""
    book = load_workbook(BytesIO(data))
    for sheet in book.worksheets:
        if sheet.title in ("Instructions", "_meta", *skip):
            continue
        for number in range(3, sheet.max_row + 1):
            if sheet[f"A{number}"].value:
                sheet[f"D{number}"] = maturity(number)
                sheet[f"G{number}"] = "=SUM(1,2) ではなく文章"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_workbook(page: Any, workspace: str, folder: Path, **fill: Any) -> None:
    """Download the workspace's workbook, fill it (see :func:`fill_workbook`) and import it."""
    page.goto(workspace)
    with page.expect_download() as download:
        page.get_by_role("link", name="ワークブック（.xlsx）をダウンロード").click()
    filled = folder / "filled.xlsx"
    filled.write_bytes(fill_workbook(Path(download.value.path()).read_bytes(), **fill))
    page.locator("#import-file").set_input_files(str(filled))
    page.locator("#import-button").click()
    assert "件の回答を取り込みました" in page.locator("#import-ok").inner_text()
