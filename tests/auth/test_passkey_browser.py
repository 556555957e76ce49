"""Passkeys in a real browser: Chromium with a CDP virtual authenticator (ctap2, internal transport,
resident keys, user verification) enrols from an invitation, signs out, signs in with a
discoverable credential and steps up; replayed and expired challenges are refused.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.app import create_app
from cyberdelta.auth.models import AuthSession, Passkey, WebAuthnChallenge
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.db.engine import transaction
from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy import invitations
from cyberdelta.tenancy.models import Membership, OrganisationKind
from cyberdelta.tenancy.permissions import Role
from tests.accounts_factories import make_organisation
from tests.browser_steps import add_virtual_authenticator

pytestmark = pytest.mark.browser


@pytest.fixture
def localhost_server(settings: Settings, engine: Any) -> Iterator[tuple[str, Settings]]:
    """The app on ``http://localhost:PORT``: a secure context whose host can be the RP id."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    origin = f"http://localhost:{port}"
    configured = settings.model_copy(update={"base_url": origin})
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(configured, engine=engine), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield origin, configured
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(chromium: Any, localhost_server: tuple[str, Settings]) -> Iterator[Any]:
    context = chromium.new_context(base_url=localhost_server[0], locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15000)
    add_virtual_authenticator(context, page)
    yield page
    context.close()


def _invite(session_factory: sessionmaker[Session], settings: Settings) -> tuple[int, str]:
    with transaction(session_factory) as session:
        exchange = make_organisation(session, OrganisationKind.EXCHANGE, slug="bitexample")
        _invitation, url = invitations.create_invitation(
            session, settings, exchange, "ciso@bitexample.jp", Role.SECURITY_OFFICER, None
        )
    return exchange.id, url


def _ceremony(page: Any, button: str, arrive: str) -> None:
    """Click a passkey button and wait for the page it leads to; a refusal fails with its message."""
    page.wait_for_selector("html[data-passkey-ready]", state="attached")
    page.locator(button).click()
    status = page.locator("[data-passkey-status]")
    page.wait_for_function(
        "([url, sel]) => location.href === url || document.querySelector(sel)?.textContent",
        arg=[arrive, "[data-passkey-status]"],
    )
    if page.url != arrive:
        raise AssertionError(f"the ceremony was refused: {status.inner_text()}")
    page.wait_for_load_state()


def _csrf(page: Any) -> str:
    token: str = page.locator("meta[name='csrf-token']").get_attribute("content")
    return token


def _sign_out(page: Any, origin: str) -> None:
    page.goto("/account")
    page.locator("form[action='/auth/sign-out'] button").click()
    page.wait_for_url(f"{origin}/")


def test_enrol_sign_out_sign_in_and_step_up(
    browser: Any, localhost_server: tuple[str, Settings], session_factory: sessionmaker[Session]
) -> None:
    page = browser
    origin, settings = localhost_server
    organisation_id, url = _invite(session_factory, settings)
    assert url.startswith(origin + "/auth/enrol/")

    page.goto(url)
    page.fill("#passkey-name", "ノート PC")
    _ceremony(page, "[data-passkey='create']", f"{origin}/account")
    assert "ciso@bitexample.jp" in page.content()
    with transaction(session_factory) as session:
        stored = session.scalars(select(Passkey)).one()
        membership = session.scalars(select(Membership)).one()
        assert stored.name == "ノート PC"
        assert (membership.organisation_id, membership.role) == (organisation_id, "security_officer")
    spent = page.goto(url)
    assert spent is not None and spent.status == 404  # an invitation link works once

    _sign_out(page, origin)
    page.goto("/account")
    page.wait_for_url("**/auth/sign-in**")

    with page.expect_request("**/auth/sign-in/verify") as captured:
        _ceremony(page, "[data-passkey='get']", f"{origin}/account")
    replayed = page.request.post(
        "/auth/sign-in/verify",
        data=captured.value.post_data,
        headers={"Content-Type": "application/json", "X-CSRF-Token": _csrf(page)},
    )
    assert replayed.status == 400 and "challenge" in replayed.json()["detail"]

    # Key management needs a passkey assertion in the last 5 minutes: age the session's one.
    with transaction(session_factory) as session:
        session.execute(update(AuthSession).values(stepped_up_at=utcnow() - timedelta(minutes=6)))
    page.goto("/account")
    page.locator("form[action='/account/recovery-codes'] button").click()
    page.wait_for_url("**/auth/step-up**")
    _ceremony(page, "[data-passkey='get']", f"{origin}/account")
    page.locator("form[action='/account/recovery-codes'] button").click()
    assert page.locator("[data-recovery-codes] li").count() == 10


def test_an_expired_challenge_and_a_decreasing_counter_are_refused(
    browser: Any, localhost_server: tuple[str, Settings], session_factory: sessionmaker[Session]
) -> None:
    page = browser
    origin, settings = localhost_server
    _organisation_id, url = _invite(session_factory, settings)
    page.goto(url)
    _ceremony(page, "[data-passkey='create']", f"{origin}/account")
    _sign_out(page, origin)

    def expire_after_issue(route: Any) -> None:
        response = route.fetch()
        with transaction(session_factory) as session:
            session.execute(update(WebAuthnChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
        route.fulfill(response=response)

    page.goto("/auth/sign-in")
    page.route("**/auth/sign-in/options", expire_after_issue)
    page.locator("[data-passkey='get']").click()
    status = page.locator("[data-passkey-status]")
    status.wait_for(state="visible")
    assert "challenge" in status.inner_text()
    page.unroute("**/auth/sign-in/options")

    with transaction(session_factory) as session:
        session.execute(update(Passkey).values(sign_count=10**9))
    page.goto("/auth/sign-in")
    page.locator("[data-passkey='get']").click()
    status.wait_for(state="visible")
    assert "sign count" in status.inner_text().lower()
    page.goto("/account")
    page.wait_for_url("**/auth/sign-in**")
    with transaction(session_factory) as session:
        failures = [json.dumps(row.details) for row in session.scalars(select(_audit_entry()))]
    assert sum("reason" in item for item in failures) == 2


def _audit_entry() -> Any:
    from cyberdelta.platform.audit.models import AuditEntry

    return AuditEntry
