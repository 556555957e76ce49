"""Each role lands on a home page with its to-do list (docs/home.md), built from the demo's industry."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.platform.settings import Settings
from cyberdelta.tenancy.permissions import Role
from tests.home.demo_world import load_demo, sign_in_as

CURRENT = "2026 administrative year (demo)"


def test_every_role_sees_what_waits_for_it(
    settings: Settings, session_factory: sessionmaker[Session], client: TestClient
) -> None:
    load_demo(session_factory, settings)
    expectations = [
        ("fuji-coin", Role.EXECUTIVE_APPROVER, ["承認を待っています"], ["todo-due"]),
        ("kaede-trade", Role.SECURITY_OFFICER, ["差し戻しました", "回答すべきコメント", "todo-intel"], []),
        ("sakura-exchange", Role.SECURITY_OFFICER, ["todo-due", "todo-intel"], ["todo-approve"]),
        ("sakura-exchange", Role.VIEWER, ["todo-intel"], ["todo-due", "todo-approve"]),
        ("fsa", Role.INSPECTOR, ["もみじビットコイン", "cycle-progress", CURRENT], ["todo-approve"]),
        ("jpcrypto-isac", Role.ANALYST, ["todo-intel"], ["cycle-progress"]),
    ]
    for slug, role, present, absent in expectations:
        sign_in_as(client, session_factory, slug, role)
        home = client.get("/")
        assert home.status_code == 200
        for text in present:
            assert text in home.text, (slug, role, text)
        for text in absent:
            assert text not in home.text, (slug, role, text)
    sign_in_as(client, session_factory, "operator", Role.PLATFORM_ADMIN)
    assert 'id="todo-empty"' in client.get("/").text


def test_sign_in_lands_on_the_home_page(client: TestClient) -> None:
    page = client.get("/auth/sign-in")
    assert 'data-next="/"' in page.text


def test_menus_and_buttons_follow_the_role(
    settings: Settings, session_factory: sessionmaker[Session], client: TestClient
) -> None:
    loaded = load_demo(session_factory, settings)
    assert loaded.industry.states["fuji-coin"] == "in_review"
    sign_in_as(client, session_factory, "fuji-coin", Role.EXECUTIVE_APPROVER)
    workspace = next(
        line.split('href="')[1].split('"')[0]
        for line in client.get("/").text.splitlines()
        if "todo-approve" in line
    )
    assert 'id="action-sign_off"' in client.get(workspace).text
    sign_in_as(client, session_factory, "fuji-coin", Role.SECURITY_OFFICER)
    page = client.get(workspace).text
    assert 'id="action-sign_off"' not in page and 'id="action-back_to_draft"' in page
    assert "/intel" in client.get("/").text
    sign_in_as(client, session_factory, "operator", Role.PLATFORM_ADMIN)
    home = client.get("/").text
    assert 'href="/intel"' not in home and 'href="/admin/organisations"' in home
    sign_in_as(client, session_factory, "fsa", Role.INSPECTOR)
    feed = client.get("/intel").text
    assert 'href="/intel/report"' not in feed and 'href="/intel"' in feed
